"""``nscl sync`` (nightly consolidation), ``nscl announce`` (Form C from the master's
decisions) and ``nscl demo`` (sample data + runs).

Exit codes of sync: 0 all clean, 1 errors in files or rejected files, 2 the run itself
failed (bad configuration, another run holding the lock, a master saved during the run,
unexpected failure). Of announce: 0 written, 1 no task to announce (nothing written), 2
the master cannot be used.
"""

# No "from __future__ import annotations": typer reads the option annotations at runtime.
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nscl.usage_errors import error_line

if TYPE_CHECKING:
    from sync.config import SyncConfig

__all__ = ["register"]


class _RichProgress:
    """A rich progress bar (only used when stdout is a terminal).

    Redrawn by the run itself, at most every tenth of a second, not by rich's refresh
    thread: a process with another thread running does not fork (``nscl.isolation``), so
    that thread would make the validation workers start from scratch (no preloaded
    readers and agency patterns)."""

    _INTERVAL = 0.1

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[item]}", style="dim"), transient=True,
            auto_refresh=False,
        )
        self._task: Any = None
        self._drawn = 0.0
        self._progress.start()

    def _draw(self, *, now: bool = False) -> None:
        moment = time.monotonic()
        if now or moment - self._drawn >= self._INTERVAL:
            self._drawn = moment
            self._progress.refresh()

    def start(self, total: int, label: str) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(label, total=total, item="")
        self._draw(now=True)

    def advance(self, label: str = "") -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=1, item=label[-40:])
            self._draw()

    def stop(self) -> None:
        self._progress.stop()


def _rerun_lines(config_path: Path, *, report_round: Path | None = None) -> list[str]:
    """How to run the sync again on the demo's files: with the ``nscl`` of the
    environment this one runs in (``make demo`` installs it in .venv, which is not on the
    PATH: a bare "nscl sync" gave "command not found")."""
    here = Path(sys.executable).parent
    nscl = here / ("nscl.exe" if sys.platform == "win32" else "nscl")
    command = str(nscl) if nscl.exists() else "nscl"
    try:
        shown = Path(command).relative_to(Path.cwd())
        command = str(shown) if len(shown.parts) > 1 else f"./{shown}"
    except ValueError:
        pass
    lines = [f"Cấu hình: {config_path}.",
             f"Chạy lại tổng hợp: {command} sync --config {config_path}"]
    if report_round is not None:
        lines.append(f"Báo cáo năm: {command} sync --config {report_round}")
    activate = here / ("activate.bat" if sys.platform == "win32" else "activate")
    if activate.exists():
        source = activate if sys.platform == "win32" else f"source {activate}"
        lines.append(f"(hoặc kích hoạt môi trường một lần: {source}; sau đó gõ «nscl …»)")
    return lines


def _fail(message: str) -> None:
    typer.echo(error_line(message), err=True)
    raise typer.Exit(2)


def run_and_report(config: "SyncConfig", *, output_format: str, dry_run: bool) -> int:
    """Run a sync and print its result; return the exit code."""
    from sync.config import ConfigError
    from sync.ledger import LedgerError
    from sync.lock import SyncLockedError
    from sync.master import MasterLockedError
    from sync.run import EXIT_FAILED, run_sync
    from sync.summary import summary_text

    progress = _RichProgress() if output_format == "text" and sys.stdout.isatty() else None
    try:
        outcome = run_sync(config, dry_run=dry_run, progress=progress)
    except ConfigError as exc:
        if progress is not None:
            progress.stop()
        _fail(str(exc))
        return EXIT_FAILED
    except (MasterLockedError, LedgerError) as exc:
        if progress is not None:
            progress.stop()
        _fail(str(exc))
        return EXIT_FAILED
    except SyncLockedError as exc:
        if progress is not None:
            progress.stop()
        _fail(f"một lần tổng hợp khác đang chạy (khóa {exc}); thử lại sau.")
        return EXIT_FAILED
    except Exception as exc:  # the run itself failed: say so, exit 2
        if progress is not None:
            progress.stop()
        from sync.logs import log_path

        if isinstance(exc, OSError):  # disk full, no permission, a path that is a file …
            from nscl.reading import describe_error

            reason = describe_error(exc, with_path=True)
        else:
            # A defect of the program, not of the data: the technical text is kept for
            # whoever maintains the job; the log has the full trace.
            reason = f"lỗi nội bộ của chương trình (mã lỗi kỹ thuật: {type(exc).__name__}: {exc})"
        _fail(f"tổng hợp không thành công: {reason}. "
              f"Xem nhật ký {log_path(config.resolved().state)}.")
        return EXIT_FAILED
    if output_format == "json":
        typer.echo(json.dumps(outcome.result, ensure_ascii=False, indent=2))
    else:
        if dry_run:
            typer.echo("(Chạy thử: không ghi bảng tổng hợp, sổ theo dõi hay thư mục phản hồi.)")
        typer.echo(summary_text(outcome.result))
    return outcome.exit_code


def announce(master: Path, out: Path, *, year: int | None, output_format: str) -> int:
    """``nscl announce``: write Form C from the master's decisions and say what was
    written; the exit code (0 written, 1 no task marked "Đưa vào danh mục": nothing
    written, 2 the master cannot be used)."""
    from sync.announce import (
        AnnounceError,
        NothingToAnnounce,
        read_announcement,
        write_announcement,
    )

    if output_format not in ("text", "json"):
        _fail("--format chỉ nhận text hoặc json.")
    try:
        announcement = read_announcement(master)
        files = write_announcement(announcement, out, year=year)
    except NothingToAnnounce as exc:
        if output_format == "json":
            typer.echo(json.dumps({"master": str(master), "year": year, "tasks": [],
                                   "files": {}, "warnings": [], "message": str(exc)},
                                  ensure_ascii=False, indent=2))
        else:
            typer.echo(str(exc))
        return 1
    except AnnounceError as exc:
        _fail(str(exc))
        return 2
    except OSError as exc:
        from nscl.reading import describe_error

        _fail(f"không ghi được Mẫu C vào «{out}» ({describe_error(exc)}).")
        return 2
    tasks = announcement.tasks
    if output_format == "json":
        typer.echo(json.dumps({
            "master": str(master), "year": year or announcement.year,
            "tasks": [{"tt": n, "task_name": t.task_name, "lead": t.lead, "agency": t.agency,
                       "duration": t.duration, "changed": t.changed}
                      for n, t in enumerate(tasks, start=1)],
            "files": {kind: str(path) for kind, path in files.items()},
            "warnings": announcement.warnings,
        }, ensure_ascii=False, indent=2))
        return 0
    typer.echo(f"Mẫu C - phụ lục công bố kết quả tuyển chọn, bắt đầu thực hiện từ năm "
               f"{year or announcement.year}: {len(tasks)} nhiệm vụ được đưa vào danh mục.")
    for n, task in enumerate(tasks, start=1):
        typer.echo(f"  {n}. {task.task_name.splitlines()[0]} ({task.agency})")
    typer.echo(f"Bảng tính theo mẫu: {files['xlsx']}")
    typer.echo(f"Văn bản phụ lục: {files['docx']}")
    for warning in announcement.warnings:
        typer.echo(f"Lưu ý: {warning}")
    return 0


def register(app: typer.Typer) -> None:
    """Add ``sync``, ``announce`` and ``demo`` to the ``nscl`` command."""

    from nscl.cli_help import VietnameseCommand

    @app.command("sync", cls=VietnameseCommand)
    def sync_command(
        config: Annotated[Path | None, typer.Option(
            "--config", "-c", help="Tệp cấu hình TOML (xem nscl.example.toml).")] = None,
        inbox: Annotated[Path | None, typer.Option(
            "--inbox", help="Thư mục nhận tệp của các đơn vị.")] = None,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Tệp bảng tổng hợp (.xlsx) sẽ ghi.")] = None,
        state: Annotated[Path | None, typer.Option(
            "--state", help="Thư mục trạng thái: sổ theo dõi, kho lưu trữ, nhật ký.")] = None,
        outbox: Annotated[Path | None, typer.Option(
            "--outbox", help="Thư mục phản hồi (bản đánh dấu lỗi gửi lại đơn vị).")] = None,
        year: Annotated[int | None, typer.Option(
            "--year", help="Năm của đợt: Mẫu A năm bắt đầu thực hiện (ví dụ 2027), Mẫu B năm "
                           "báo cáo (ví dụ 2026).")] = None,
        deadline: Annotated[str | None, typer.Option(
            "--deadline", help="Hạn nộp, ví dụ 2027-03-29T17:00+07:00.")] = None,
        form: Annotated[str | None, typer.Option(
            "--form", help="Biểu mẫu tổng hợp: A (đề xuất nhiệm vụ, mặc định) hoặc B (báo cáo "
                           "kết quả năm; đọc cả văn bản Word).")] = None,
        workers: Annotated[int | None, typer.Option(
            "--workers", help="Số tiến trình kiểm tra tệp song song (0 = tự chọn).")] = None,
        output_format: Annotated[str, typer.Option(
            "--format", help="Cách in kết quả: text hoặc json.")] = "text",
        dry_run: Annotated[bool, typer.Option(
            "--dry-run", help="Chạy thử: kiểm tra và báo cáo, không ghi gì.")] = False,
    ) -> None:
        """Tổng hợp mọi tệp trong thư mục nhận vào bảng tổng hợp (chạy hằng đêm)."""
        from sync.config import ConfigError, SyncConfig, load_config, parse_deadline

        if output_format not in ("text", "json"):
            _fail("--format chỉ nhận text hoặc json.")
        try:
            if config is not None:
                conf = load_config(config)
            else:
                missing = [flag for flag, value in
                           (("--inbox", inbox), ("--out", out), ("--state", state))
                           if value is None]
                if missing:
                    _fail(f"thiếu {', '.join(missing)} (hoặc dùng --config nscl.toml).")
                assert inbox is not None and out is not None and state is not None
                conf = SyncConfig(inbox=inbox, master=out, state=state)
            conf = conf.with_overrides(
                inbox=inbox, master=out, state=state, outbox=outbox, year=year,
                deadline=parse_deadline(deadline) if deadline else None,
                form=form.upper() if form else None, workers=workers,
            )
        except ConfigError as exc:
            _fail(str(exc))
            return
        raise typer.Exit(run_and_report(conf, output_format=output_format, dry_run=dry_run))

    @app.command("announce", cls=VietnameseCommand)
    def announce_command(
        master: Annotated[Path | None, typer.Option(
            "--master", help="Bảng tổng hợp đề xuất (Mẫu A) do nscl sync ghi, đã có quyết "
                             "định ở cột «Quyết định» (bắt buộc).")] = None,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Thư mục ghi Mẫu C (.xlsx) và phụ lục công bố (.docx) (bắt "
                          "buộc).")] = None,
        year: Annotated[int | None, typer.Option(
            "--year", help="Năm bắt đầu thực hiện (mặc định: năm của bảng tổng hợp).")] = None,
        output_format: Annotated[str, typer.Option(
            "--format", help="Cách in kết quả: text hoặc json.")] = "text",
    ) -> None:
        """Lập Mẫu C (phụ lục công bố kết quả tuyển chọn) từ các nhiệm vụ được chọn «Đưa
        vào danh mục» trong bảng tổng hợp: tệp .xlsx theo mẫu và văn bản .docx."""
        missing = [flag for flag, value in (("--master", master), ("--out", out))
                   if value is None]
        if missing:
            _fail(f"thiếu {', '.join(missing)}.")
        assert master is not None and out is not None
        raise typer.Exit(announce(master, out, year=year, output_format=output_format))

    @app.command("demo", cls=VietnameseCommand)
    def demo_command(
        out: Annotated[Path, typer.Option(
            "--out", help="Thư mục ghi dữ liệu mẫu và kết quả.")] = Path("demo-output"),
        output_format: Annotated[str, typer.Option("--format", help="text hoặc json.")] = "text",
        google: Annotated[bool, typer.Option(
            "--google", help="Thêm phần Google Drive: tổng hợp cả bảng tính Google và ghi "
                             "kết quả kiểm tra vào đó (Google giả lập trên máy này, không cần "
                             "tài khoản).")] = False,
    ) -> None:
        """Tạo tệp mẫu của khoảng một chục đơn vị rồi chạy tổng hợp vào thư mục --out: đợt
        đề xuất nhiệm vụ (Mẫu A, có quyết định tuyển chọn và Mẫu C) và ba năm báo cáo kết
        quả (Mẫu B, 2024-2026)."""
        from sync.demo_data import DemoRefusedError, write_demo
        from sync.demo_round import write_report_round

        try:
            demo = write_demo(out)
            round_ = write_report_round(demo.root)
        except DemoRefusedError as exc:
            _fail(str(exc))
            return
        google_demo = None
        if google:
            from sync.config import load_config
            from sync.demo_google import start_google_demo

            google_demo = start_google_demo(demo.root)
            with demo.config_path.open("a", encoding="utf-8") as fh:
                fh.write(google_demo.config_text(demo.root))
            demo.config = load_config(demo.config_path)
        try:
            code = _demo_nights(demo, google_demo, output_format, round_)
        finally:
            if google_demo is not None:
                google_demo.stop()
        # The demo contains deliberate mistakes: exit 0 unless a run itself failed.
        raise typer.Exit(2 if code == 2 else 0)


def _demo_nights(demo: Any, google: Any, output_format: str, round_: Any) -> int:
    """The demo's nights: the first, then files arrive (and, on Google, a clerk fixes a
    mistake), the second printed in full; with Google a third with nothing new; then the
    report round, each year into the same state folder (so that each year is checked
    against the one before). Returns 2 when a run failed, else 0."""
    from sync.run import run_sync
    from sync.summary import summary_text

    text = output_format == "text"
    if text:
        typer.echo(f"Đã tạo {len(demo.files)} tệp mẫu trong {demo.inbox}.")
        for note in demo.notes:
            typer.echo(f"  * {note}")
        if google is not None:
            typer.echo(f"Trên Google Drive (giả lập tại {google.stand_in.url}, thư mục "
                       "«Chương trình 1322 - đề xuất 2027»):")
            for note in google.notes:
                typer.echo(f"  * {note}")
        typer.echo("")
    # First night: every file but the late correction.
    try:
        first = run_sync(demo.config)
    except Exception as exc:  # the run itself failed
        _fail(f"tổng hợp không thành công: {type(exc).__name__}: {exc}")
        return 2
    delivered = demo.deliver_later()
    fixed = google.fix_between_nights() if google is not None else ""
    if text:
        typer.echo(f"Lần tổng hợp thứ nhất: {first.result['totals']['tasks']} nhiệm vụ của "
                   f"{sum(1 for a in first.result['agencies'] if a['file'])} đơn vị.")
        if google is not None:
            typer.echo(_google_night(first.result))
        names = ", ".join(p.name for p in delivered)
        typer.echo(f"Sau đó nhận thêm: {names}.")
        if fixed:
            typer.echo(fixed)
        typer.echo("Tổng hợp lại (lần thứ hai):")
        typer.echo("")
    try:
        second = run_sync(demo.config)
        if text:
            typer.echo(summary_text(second.result))
        if google is not None and text:
            third = run_sync(demo.config)
            typer.echo("")
            typer.echo("Lần thứ ba, không có gì thay đổi: " + _google_night(third.result))
            rows = google.results_sheet("tp-can-tho")
            if rows:
                typer.echo("Sheet «Kết quả kiểm tra» mà nscl ghi vào bảng tính Google của TP "
                           "Cần Thơ:")
                for row in rows:
                    if row:
                        typer.echo("  | " + " | ".join(str(v) for v in row))
        # The selection: decisions in the master, a decided task revised, the next night,
        # then Form C.
        from sync.demo_selection import run_selection

        selection = run_selection(demo)
        # The report round: each year into the same state folder, so that each year is
        # checked against the one before.
        rounds = [run_sync(config) for _, config in sorted(round_.configs.items())]
    except Exception as exc:  # the run itself failed
        _fail(f"tổng hợp không thành công: {type(exc).__name__}: {exc}")
        return 2
    last = rounds[-1]
    years = sorted(round_.configs)
    if text:
        from sync.selection import summary_lines

        typer.echo("")
        typer.echo("Tuyển chọn nhiệm vụ:")
        for note in selection.notes:
            typer.echo(f"  * {note}")
        typer.echo("Tổng hợp lại: quyết định được đọc lại, ghi vào sổ theo dõi và giữ nguyên "
                   "trong bảng tổng hợp mới.")
        for line in summary_lines(selection.outcome.result):
            typer.echo(line)
        typer.echo(f"Mẫu C ({len(selection.announcement.tasks)} nhiệm vụ đưa vào danh "
                   f"mục): {selection.files['xlsx']}")
        typer.echo(f"Phụ lục công bố (.docx): {selection.files['docx']}")
        for warning in selection.announcement.warnings:
            typer.echo(f"Lưu ý: {warning}")
        typer.echo("")
        typer.echo(f"Báo cáo kết quả thực hiện (Mẫu B): tổng hợp các năm "
                   f"{years[0]}-{years[-1]} vào cùng thư mục trạng thái {round_.root}.")
        for note in round_.notes:
            typer.echo(f"  * {note}")
        typer.echo("")
        typer.echo(summary_text(last.result))
        typer.echo("")
        for line in _rerun_lines(demo.config_path,
                                 report_round=round_.config_paths[years[-1]]):
            typer.echo(line)
        if google is not None:
            typer.echo("Phần [google] của cấu hình trỏ tới Google Drive giả lập, đã dừng khi "
                       "demo kết thúc: chạy lại cả phần Google bằng nscl demo --google. Dùng "
                       "Google thật: xem docs/google.md.")
    else:
        typer.echo(json.dumps({
            **second.result, "report_round": last.result,
            "selection_round": selection.outcome.result,
            "announce": {"files": {k: str(v) for k, v in selection.files.items()},
                         "tasks": len(selection.announcement.tasks),
                         "warnings": selection.announcement.warnings},
        }, ensure_ascii=False, indent=2))
    return 0


def _google_night(result: dict[str, Any]) -> str:
    """One line on what a night cost on Google and what it wrote back."""
    google = result.get("google") or {}
    line = (f"Google Drive: {google.get('requests', 0)} yêu cầu ({google.get('folders', 0)} "
            f"lần liệt kê thư mục, {google.get('fetched', 0)} tệp tải về")
    written = (google.get("writeback") or {}).get("written") or []
    if written:
        line += f", ghi kết quả kiểm tra vào {len(written)} bảng tính Google"
    return line + ")."
