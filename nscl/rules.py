"""The validation rule catalogue: every problem ``nscl validate`` can report.

Each :class:`~nscl.problems.Rule` has a stable kebab-case code, a severity, a Vietnamese
message template and a fix. The message shown to users ends with the fix, so a single
line says what is wrong and what to do; the position (file, sheet, cell) is added by
:class:`~nscl.problems.Problem`. ``docs/rules.md`` is generated from :data:`RULES`
(``python -m nscl.catalogue``).
"""

from __future__ import annotations

from nscl.problems import Rule, Severity, register

__all__ = ["RULES", "rule"]

SCOPE_FILE = "1. Tệp"
SCOPE_IDENTITY = "2. Định danh"
SCOPE_FORM_A = "3. Mẫu A - Bảng tổng hợp đề xuất"
SCOPE_FORM_B = "4. Mẫu B - Báo cáo kết quả"
SCOPE_TEXT = "5. Văn bản"
SCOPE_SELECTION = "6. Tuyển chọn nhiệm vụ"


def rule(
    code: str,
    severity: Severity,
    title: str,
    message: str,
    fix: str,
    scope: str,
    description: str = "",
) -> Rule:
    """A rule whose message ends with its fix ("… Cách sửa: …")."""
    return Rule(
        code=code,
        severity=severity,
        title=title,
        message=f"{message} Cách sửa: {fix}",
        fix=fix,
        scope=scope,
        description=description,
    )


RULES: tuple[Rule, ...] = (
    # ---- file --------------------------------------------------------------------------
    rule(
        "file-not-found", "error", "Không tìm thấy tệp",
        "Không tìm thấy tệp.",
        "kiểm tra lại đường dẫn và tên tệp.",
        SCOPE_FILE,
    ),
    rule(
        "file-not-spreadsheet", "error", "Không phải bảng tính",
        "Tệp không phải bảng tính Excel hoặc LibreOffice ({reason}).",
        "mở bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx rồi gửi lại.",
        SCOPE_FILE,
        "Loại tệp được xác định từ nội dung, không theo đuôi tệp: .xlsx, .xlsm, .xlsb, .xls,"
        " .ods. Tệp PDF, Word hay tệp nén được gọi đúng tên.",
    ),
    rule(
        "file-corrupt", "error", "Tệp hỏng",
        "Tệp bị hỏng, bị cắt cụt hoặc không đọc được ({reason}).",
        "mở lại tệp gốc, lưu lại dưới dạng .xlsx và gửi lại bản đầy đủ.",
        SCOPE_FILE,
    ),
    rule(
        "file-encrypted", "error", "Tệp có mật khẩu",
        "Tệp được đặt mật khẩu mở (mã hóa), không thể đọc nội dung.",
        "gỡ mật khẩu (Excel: Tệp > Thông tin > Bảo vệ sổ làm việc > Mã hóa bằng mật khẩu,"
        " xóa mật khẩu) rồi gửi lại.",
        SCOPE_FILE,
    ),
    rule(
        "file-xml-entities", "error", "XML có khai báo thực thể",
        'Phần "{part}" của tệp khai báo DTD/thực thể XML (kiểu tấn công "billion laughs");'
        " tệp không được đọc.",
        "mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx rồi gửi lại.",
        SCOPE_FILE,
        "Kiểm tra trên phần mở đầu của từng phần XML trước khi đọc.",
    ),
    rule(
        "file-zip-bomb", "error", "Tệp nén bất thường",
        "Tệp nén bất thường ({reason}), có dấu hiệu \"bom zip\"; tệp không được giải nén.",
        "gửi lại tệp bảng tính gốc.",
        SCOPE_FILE,
        "Số thành phần, tổng dung lượng giải nén và tỷ lệ nén được kiểm tra trên danh mục"
        " của tệp nén, trước khi giải nén; khi dữ liệu nén có thể giải ra vượt giới hạn,"
        " từng thành phần lớn được giải nén thử (không giữ lại) để chắc chắn không lớn hơn"
        " kích thước khai báo.",
    ),
    rule(
        "file-too-large", "error", "Tệp quá lớn",
        "Tệp quá lớn ({size} MB, tối đa {limit} MB).",
        "xóa các sheet, hình ảnh không cần thiết rồi gửi lại.",
        SCOPE_FILE,
    ),
    rule(
        "file-crashed-reader", "error", "Chương trình đọc tệp bị dừng",
        "Không đọc được tệp: chương trình đọc tệp bị dừng bất thường ({detail}); tệp có thể"
        " hỏng hoặc quá lớn.",
        "mở tệp bằng Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
        SCOPE_FILE,
        "Mỗi tệp được đọc trong một tiến trình riêng có giới hạn bộ nhớ: tệp làm tiến trình"
        " đó hết bộ nhớ hoặc dừng đột ngột (hai lần, lần sau đọc riêng) chỉ ảnh hưởng chính"
        " nó; các tệp khác vẫn được kiểm tra.",
    ),
    rule(
        "row-unreadable", "error", "Dòng không đọc được",
        "Không đọc được {rows} của trang tính, thường do một ô được định dạng ngày hoặc giờ"
        " nhưng chứa một số vượt mọi ngày giờ (Excel hiện ######); nội dung {these} không"
        " được kiểm tra và không được tổng hợp.",
        "tìm ô hiện ###### trong dòng, chọn ô, mở Định dạng ô (Ctrl+1), chọn kiểu Số"
        " (Number) rồi sửa giá trị; lưu lại và gửi lại.",
        SCOPE_FILE,
        "Chương trình đọc bảng tính dừng ở những giá trị như vậy; các dòng đó được bỏ riêng"
        " và báo lỗi, các dòng khác của trang vẫn được đọc. Khi đó các dòng cộng của bảng"
        " không được đối chiếu (số của dòng bị mất chưa biết), cho đến khi sửa xong.",
    ),
    rule(
        "sheet-too-large", "error", "Trang tính trải quá rộng",
        "Trang tính có dữ liệu{reach}, vượt giới hạn {limit} ô nên không đọc được; thường do"
        " gõ nhầm vào một ô ở rất xa bảng.",
        "nhấn Ctrl+End để tới ô cuối cùng có dữ liệu, xóa các dòng và cột thừa ngoài bảng,"
        " lưu lại rồi gửi lại.",
        SCOPE_FILE,
        "Phạm vi của mỗi trang (từ ô A1 tới ô xa nhất có giá trị; ô chỉ được định dạng"
        " không tính) được đo trên nội dung tệp trước khi đọc, để một tệp nhỏ có một giá trị"
        " ở ô XFD1048576 không làm cạn bộ nhớ. Các trang khác vẫn được đọc.",
    ),
    rule(
        "document-not-report", "error", "Văn bản không phải báo cáo theo mẫu",
        "Văn bản không theo đề cương báo cáo kết quả thực hiện (Mẫu B): không thấy các mục"
        " I-IV của đề cương hay bảng số liệu chỉ tiêu; có thể là công văn gửi kèm.",
        "nếu đây là báo cáo kết quả năm, viết theo đề cương của Bộ (các mục I-IV, bảng số"
        " liệu có cột năm báo cáo và cột lũy kế); công văn gửi kèm không cần kiểm tra.",
        SCOPE_FILE,
    ),
    rule(
        "document-needs-libreoffice", "error", "Cần LibreOffice để đọc văn bản",
        "Tệp {kind} chỉ đọc được sau khi chuyển sang .docx bằng LibreOffice, nhưng máy này"
        " chưa cài LibreOffice.",
        "lưu lại tệp thành .docx (Word: Tệp > Lưu thành > Word Document) rồi gửi lại,"
        " hoặc cài LibreOffice trên máy tổng hợp.",
        SCOPE_FILE,
    ),
    rule(
        "document-conversion-failed", "error", "Không chuyển được văn bản",
        "Không chuyển được tệp {kind} sang .docx để đọc ({reason}).",
        "mở tệp bằng Word hoặc LibreOffice Writer, lưu lại thành .docx rồi gửi lại.",
        SCOPE_FILE,
    ),
    rule(
        "file-macros", "warning", "Tệp có macro",
        "Tệp chứa macro (VBA); nscl không chạy macro, chỉ đọc giá trị các ô.",
        "lưu lại dưới dạng .xlsx (không macro).",
        SCOPE_FILE,
    ),
    rule(
        "file-external-links", "warning", "Liên kết tới tệp khác",
        "Tệp có công thức liên kết tới tệp khác; nscl không mở các liên kết này, chỉ đọc"
        " giá trị đã lưu.",
        "dùng Dữ liệu > Sửa liên kết > Ngắt liên kết để chuyển thành giá trị.",
        SCOPE_FILE,
    ),
    rule(
        "table-not-found", "error", "Không tìm thấy bảng theo mẫu",
        "Không tìm thấy bảng theo Mẫu A (Bảng tổng hợp danh mục đề xuất nhiệm vụ) hay"
        " Mẫu B (Báo cáo kết quả, sheet Chỉ tiêu) trong tệp.",
        "giữ đúng dòng tiêu đề cột theo mẫu (Stt, Tên nhiệm vụ, Tổ chức chủ trì, phối hợp,"
        " …, Tổng số, NSNN, Đối ứng).",
        SCOPE_FILE,
        "Bảng được tìm theo nội dung tiêu đề cột (kể cả tên gọi khác), ở mọi sheet.",
    ),
    rule(
        "column-missing", "error", "Thiếu cột bắt buộc",
        'Bảng thiếu cột "{header}".',
        'thêm cột "{header}" theo đúng mẫu.',
        SCOPE_FILE,
    ),
    rule(
        "table-empty", "warning", "Bảng không có dữ liệu",
        "Bảng không có dòng dữ liệu nào.",
        "nhập các nhiệm vụ (hoặc chỉ tiêu) vào bảng, hoặc bỏ qua nếu không có đề xuất.",
        SCOPE_FILE,
    ),
    rule(
        "table-several-sheets", "warning", "Nhiều sheet chứa bảng",
        'Có {count} sheet chứa bảng theo mẫu ({sheets}); nscl dùng sheet "{chosen}", các'
        " sheet còn lại không được kiểm tra và không được đưa vào bảng tổng hợp.",
        "chỉ giữ một bảng tổng hợp trong tệp; nếu nhiệm vụ đang chia ra nhiều sheet, chép"
        " chúng vào cùng một bảng (có thể chia mục I, II … trong bảng).",
        SCOPE_FILE,
    ),
    # ---- identity ----------------------------------------------------------------------
    rule(
        "agency-unknown", "error", "Không xác định được cơ quan",
        "Không xác định được bộ, ngành hoặc địa phương gửi tệp ({detail}); "
        "Bộ không tổng hợp được tệp khi chưa rõ cơ quan gửi.",
        'ghi tên cơ quan ở góc trên bên trái bảng (ví dụ "BỘ CÔNG THƯƠNG",'
        ' "UBND TỈNH NGHỆ AN") hoặc đặt tên tệp theo tên cơ quan.',
        SCOPE_IDENTITY,
        "Thứ tự xác định: thông tin ẩn của mẫu nscl, phần đầu bảng, tên tệp. Là lỗi vì "
        "bản tổng hợp hằng đêm từ chối tệp không rõ cơ quan gửi.",
    ),
    rule(
        "agency-mismatch", "warning", "Cơ quan không khớp",
        "Thông tin mẫu ghi cơ quan {metadata}, nhưng phần đầu bảng ghi {header}.",
        "dùng đúng mẫu được cấp cho cơ quan mình.",
        SCOPE_IDENTITY,
    ),
    rule(
        "template-outdated", "warning", "Mẫu cũ",
        "Tệp dùng mẫu phiên bản {found}; phiên bản hiện hành là {current}.",
        "tải mẫu mới và chép dữ liệu sang.",
        SCOPE_IDENTITY,
    ),
    rule(
        "year-mismatch", "error", "Sai năm",
        "Biểu mẫu ghi năm {found}, trong khi đợt này là năm {expected}.",
        "dùng biểu mẫu của năm {expected}.",
        SCOPE_IDENTITY,
    ),
    # ---- Form A --------------------------------------------------------------------------
    rule(
        "required-missing", "error", "Thiếu thông tin bắt buộc",
        'Dòng {line} đã có dữ liệu nhưng thiếu "{header}".',
        'nhập "{header}" cho nhiệm vụ này.',
        SCOPE_FORM_A,
        "Chỉ xét các dòng đã bắt đầu nhập (có ít nhất một ô ngoài Stt).",
    ),
    rule(
        "not-a-number", "error", "Không phải số",
        '"{header}" phải là số, nhưng ô đang ghi "{value}".',
        "nhập một số (triệu đồng), ví dụ 1250,5.",
        SCOPE_FORM_A,
    ),
    rule(
        "number-formatted-as-date", "error", "Số bị định dạng ngày giờ",
        '"{header}" phải là số, nhưng ô được định dạng ngày giờ nên đang hiện "{shown}".',
        "chọn ô (hoặc cả cột), mở Định dạng ô (Ctrl+1), chọn kiểu Số (Number), kiểm tra lại"
        " số rồi lưu.",
        SCOPE_FORM_A,
        "Excel lưu ngày giờ dưới dạng số; cột số bị định dạng ngày giờ thường do dán định"
        " dạng từ nơi khác.",
    ),
    rule(
        "money-unit-converted", "warning", "Kinh phí không ghi theo triệu đồng",
        "Bảng ghi kinh phí theo đơn vị {unit}, không phải triệu đồng như mẫu; nscl đã đổi"
        " mọi số tiền sang triệu đồng để kiểm tra và tổng hợp (1.000.000 {unit} = {example}"
        " triệu đồng).",
        "ghi kinh phí theo đơn vị triệu đồng và sửa tiêu đề cột như mẫu.",
        SCOPE_FORM_A,
        'Đơn vị được đọc ở tiêu đề các cột kinh phí ("Dự kiến kinh phí (đồng)", "NSNN (nghìn'
        ' đồng)") hoặc ở dòng "Đơn vị tính: …" phía trên bảng; số có ghi đơn vị riêng trong'
        " ô được đọc theo đơn vị đó.",
    ),
    rule(
        "money-unit-conflict", "warning", "Hai đơn vị kinh phí khác nhau",
        'Dòng này ghi đơn vị {line_unit}, nhưng tiêu đề cột kinh phí (ô {header_cell}) ghi'
        " {header_unit}; nscl đọc số tiền theo tiêu đề cột ({header_unit}).",
        "sửa cho tiêu đề cột và dòng đơn vị tính cùng ghi đúng đơn vị của các số tiền"
        " (mẫu: triệu đồng).",
        SCOPE_FORM_A,
        "Hai cách ghi lệch nhau một nghìn hay một triệu lần: cần xem lại các số tiền.",
    ),
    rule(
        "duration-unit-converted", "warning", "Thời gian ghi theo năm",
        'Cột "{header}" ghi thời gian theo năm, không phải số tháng như mẫu; nscl đã đổi'
        " sang tháng (1 năm = 12 tháng) để kiểm tra và tổng hợp.",
        "ghi số tháng (ví dụ 24) và sửa tiêu đề cột như mẫu.",
        SCOPE_FORM_A,
        'Đọc ở tiêu đề cột ("Thời gian thực hiện (năm)"); ô ghi kèm đơn vị ("18 tháng",'
        ' "2 năm") hay khoảng năm ("2025-2026") được đọc theo cách ghi của ô.',
    ),
    rule(
        "number-as-text", "warning", "Số ghi dạng chữ",
        '"{header}" được ghi dạng chữ "{value}"; nscl đọc là {number}.',
        "nhập số trực tiếp vào ô (định dạng Number), không gõ dấu chấm phân cách hay đơn vị.",
        SCOPE_FORM_A,
        'Quy tắc đọc: dấu chấm trước nhóm 3 chữ số là phân cách hàng nghìn ("1.250" ='
        ' 1250), dấu phẩy là dấu thập phân ("1.250,5" = 1250,5); khi có cả hai dấu, dấu'
        ' đứng sau là dấu thập phân ("1,250.5" kiểu Anh = 1250,5); chấp nhận đơn vị'
        ' "triệu đồng", "tỷ đồng", "đồng"; gạch ngang "-" hay "không" được đọc là 0.',
    ),
    rule(
        "amount-as-text", "error", "Số tiền gõ dạng chữ trong biểu mẫu",
        '"{header}" được ghi dạng chữ "{value}" (nscl đọc là {number}), nhưng công thức'
        ' "{total}" và dòng "Tổng cộng" của biểu mẫu tính ô này bằng 0: bảng của đơn vị'
        " đang cộng sai.",
        "xóa ô rồi gõ lại thành số {number}, không gõ chữ, dấu cách hay đơn vị (ô đổi"
        " sang không tô màu khi đã là số).",
        SCOPE_FORM_A,
        "Chỉ ở biểu mẫu chính thức (nhận ra từ thông tin mẫu): các ô Tổng số và dòng Tổng"
        " cộng là công thức, tính ô chứa chữ bằng 0. Lỗi được báo ở ô chứa chữ, dù tệp đã"
        " được tính lại hay chưa; Tổng số và dòng Tổng cộng sai vì ô đó không bị báo thêm."
        " Ở bảng tự gõ lại (không có công thức), số dạng chữ chỉ là cảnh báo"
        " number-as-text.",
    ),
    rule(
        "number-ambiguous", "warning", "Số có thể hiểu hai cách",
        '"{value}" có thể là {number} hoặc {alternative}; nscl đọc là {number}.',
        "nhập số trực tiếp vào ô, không dùng dấu phân cách.",
        SCOPE_FORM_A,
        'Một dấu phẩy trước đúng 3 chữ số ("1,250") được đọc là dấu thập phân (1,25).',
    ),
    rule(
        "negative-budget", "error", "Kinh phí âm",
        '"{header}" không được âm ({number}).',
        "nhập số không âm (triệu đồng).",
        SCOPE_FORM_A,
    ),
    rule(
        "amount-too-large", "error", "Số quá lớn",
        '"{header}" ghi {value}, vượt {limit} triệu đồng: không thể là kinh phí của một'
        " nhiệm vụ, nên không được cộng vào tổng.",
        "kiểm tra lại số đã nhập (đơn vị triệu đồng, ví dụ 1250,5).",
        SCOPE_FORM_A,
        "Giới hạn kỹ thuật để các phép cộng luôn chính xác, không phải mức trần kinh phí.",
    ),
    rule(
        "formula-not-calculated", "error", "Công thức chưa có kết quả",
        "{count} ô có công thức nhưng tệp không lưu kết quả tính ({cells}): nscl đọc các ô"
        " đó là trống, dù Excel hiện số sau khi tính lại. Tệp thường do một phần mềm khác"
        " (không phải Excel hay LibreOffice) tạo ra.",
        "mở tệp bằng Excel hoặc LibreOffice, tính lại (Excel: Ctrl+Alt+F9; LibreOffice:"
        " Ctrl+Shift+F9), lưu rồi gửi lại; hoặc thay công thức bằng giá trị.",
        SCOPE_FILE,
        "Chỉ với tệp .xlsx/.xlsm (tệp .xls và .ods luôn lưu kết quả của công thức), ở các ô"
        " nscl đọc: dữ liệu của nhiệm vụ (mẫu A, trừ cột tự tính Tổng số) và giá trị chỉ"
        " tiêu (mẫu B).",
    ),
    rule(
        "amount-implausible", "warning", "Kinh phí lớn bất thường",
        'Cột "{header}" có {count} nhiệm vụ ghi số lớn bất thường (trên {limit} tỷ đồng một'
        " nhiệm vụ); số đầu tiên là {value} triệu đồng, tức {billions} tỷ đồng. Nếu số đó"
        " ghi theo đồng thì chỉ là {as_dong} triệu đồng.",
        "ghi kinh phí theo triệu đồng (1,5 tỷ đồng ghi là 1.500); nếu cả bảng ghi theo đồng,"
        ' ghi "(đồng)" ở tiêu đề cột kinh phí để nscl tự đổi.',
        SCOPE_FORM_A,
        "Số vẫn được tính như đã ghi; cảnh báo để đơn vị và Bộ kiểm tra lại.",
    ),
    rule(
        "amount-merged", "error", "Ô kinh phí gộp nhiều nhiệm vụ",
        '"{header}" là một ô gộp qua các dòng {first}–{last}: một số tiền chung không chia'
        " được cho từng nhiệm vụ; nscl chỉ tính số đó cho nhiệm vụ ở dòng {first}.",
        "bỏ gộp ô (Trang đầu > Hợp nhất và Căn giữa > Bỏ hợp nhất các ô) rồi ghi kinh phí"
        " riêng của từng nhiệm vụ.",
        SCOPE_FORM_A,
        "Ô văn bản hay thời gian gộp qua nhiều nhiệm vụ (cùng tổ chức chủ trì, cùng thời gian)"
        " được đọc cho từng nhiệm vụ như trên màn hình; ô kinh phí thì không. Các nhiệm vụ"
        " nằm dưới ô gộp không bị báo thêm lỗi thiếu kinh phí ở cột đó.",
    ),
    rule(
        "budget-mismatch", "error", "Tổng số khác NSNN + Đối ứng",
        "Tổng số {total} khác NSNN + Đối ứng = {expected} (chênh {diff} triệu đồng).",
        "sửa để Tổng số = NSNN + Đối ứng, hoặc để trống ô Tổng số cho nscl tự tính.",
        SCOPE_FORM_A,
        "Sai lệch cho phép 0,001 triệu đồng. Ô Tổng số để trống được tính từ NSNN + Đối ứng"
        " mà không báo lỗi.",
    ),
    rule(
        "state-budget-share", "error", "Tỷ lệ NSNN vượt mức",
        "NSNN chiếm {share}% tổng kinh phí, vượt mức tối đa {limit}%.",
        "giảm NSNN hoặc tăng kinh phí đối ứng.",
        SCOPE_FORM_A,
        "Chỉ kiểm tra khi được cấu hình (--max-state-budget-share); mặc định tắt.",
    ),
    rule(
        "duration-missing", "error", "Thiếu thời gian thực hiện",
        "Dòng {line} chưa ghi thời gian thực hiện.",
        "ghi số tháng thực hiện, ví dụ 24.",
        SCOPE_FORM_A,
    ),
    rule(
        "duration-invalid", "error", "Thời gian không đọc được",
        'Không đọc được thời gian thực hiện "{value}".',
        'ghi số tháng, ví dụ "24" hoặc "24 tháng".',
        SCOPE_FORM_A,
        'Chấp nhận: 24; "24 tháng"; "2 năm"; "18 tháng (2025-2026)"; "2025-2026";'
        ' "01/2025 - 12/2026".',
    ),
    rule(
        "duration-not-whole", "error", "Số tháng không nguyên",
        "Thời gian thực hiện {months} tháng không phải số nguyên tháng.",
        "làm tròn thành số nguyên tháng.",
        SCOPE_FORM_A,
    ),
    rule(
        "duration-out-of-range", "error", "Thời gian ngoài khoảng cho phép",
        "Thời gian thực hiện {months} tháng nằm ngoài khoảng {min}-{max} tháng.",
        "ghi số tháng từ {min} đến {max}.",
        SCOPE_FORM_A,
    ),
    rule(
        "duration-past-2030", "error", "Kết thúc sau năm 2030",
        "Bắt đầu năm {start}, thực hiện {months} tháng thì kết thúc sau năm {end_year}"
        " (Chương trình kết thúc năm {end_year}).",
        "rút ngắn thời gian để kết thúc chậm nhất tháng 12/{end_year}.",
        SCOPE_FORM_A,
        "Năm bắt đầu là năm của biểu mẫu.",
    ),
    rule(
        "duplicate-task", "error", "Nhiệm vụ trùng tên",
        'Tên nhiệm vụ trùng với dòng {other_row} ("{name}").',
        "gộp hai dòng hoặc sửa tên cho khác nhau.",
        SCOPE_FORM_A,
        "So sánh không phân biệt hoa thường, khoảng trắng, kiểu gõ dấu và dạng Unicode.",
    ),
    rule(
        "section-total-mismatch", "warning", "Cộng của mục không khớp",
        'Dòng mục "{label}" ghi "{header}" là {found}, khác tổng các nhiệm vụ của mục là'
        " {expected}; số ghi ở dòng mục không được tính vào tổng.",
        "sửa số của dòng mục bằng tổng các nhiệm vụ trong mục; nếu dòng này là một nhiệm"
        " vụ, ghi Stt bằng số và điền đủ các cột.",
        SCOPE_FORM_A,
        "Dòng tiêu đề mục: Stt là số La Mã hoặc chữ cái (I, II, A, B …), có tên mục và không"
        " có tổ chức chủ trì, mục tiêu, nội dung, kết quả, thời gian. Dòng như vậy không phải"
        " nhiệm vụ; số tiền của nó (cộng của mục) được đối chiếu với các nhiệm vụ của mục.",
    ),
    rule(
        "amount-column-not-in-form", "error", "Cột kinh phí ngoài biểu mẫu",
        'Cột {letter} "{header}" không có trong biểu mẫu, nhưng {count} nhiệm vụ ghi số ở'
        " cột này: số đó không được cộng vào NSNN, Đối ứng hay Tổng số, nên kinh phí tổng"
        " hợp của đơn vị có thể thiếu.",
        "ghi kinh phí vào đúng các cột của biểu mẫu (NSNN gồm cả ngân sách trung ương và"
        " địa phương; vốn khác ghi vào Đối ứng) rồi xoá cột này.",
        SCOPE_FORM_A,
        "Cột thêm vào bảng có tiêu đề về kinh phí (kinh phí, NSNN, ngân sách, vốn, nguồn,"
        " tiền, VNĐ, hay đơn vị đồng như \"(đồng)\", \"triệu đồng\"; không tính \"cộng"
        " đồng\", \"hội đồng\") và có số ở dòng nhiệm vụ.",
    ),
    rule(
        "column-not-in-form", "warning", "Cột ngoài biểu mẫu",
        'Cột {letter} "{header}" không có trong biểu mẫu: nội dung của {count} nhiệm vụ ở'
        " cột này không được kiểm tra và không được đưa vào bảng tổng hợp.",
        "nếu cần giữ nội dung này, ghi vào cột Ghi chú; nếu không, xoá cột.",
        SCOPE_FORM_A,
    ),
    rule(
        "column-without-header", "warning", "Cột không có tiêu đề",
        "Cột {letter} không có tiêu đề nhưng có nội dung ở {count} nhiệm vụ (đầu tiên ở ô"
        " {first}): nội dung này không được kiểm tra và không được đưa vào bảng tổng hợp.",
        "nếu đó là nội dung của một cột trong biểu mẫu, chuyển vào đúng cột; nếu cần giữ làm"
        " ghi chú, ghi vào cột Ghi chú; nếu không, xoá nội dung ở cột này.",
        SCOPE_FORM_A,
        "Thường gặp khi gõ lệch sang cột bên cạnh, hoặc ghi chú viết ra ngoài bảng.",
    ),
    rule(
        "rows-hidden", "warning", "Nhiệm vụ ở dòng bị ẩn",
        "{count} nhiệm vụ nằm ở dòng đang bị ẩn hoặc bị lọc khỏi màn hình (dòng {rows}):"
        " các nhiệm vụ này vẫn được kiểm tra và tính vào tổng hợp, dù người xem bảng không"
        " thấy.",
        "nếu các nhiệm vụ này không còn đề xuất, xoá hẳn các dòng; nếu vẫn đề xuất, bỏ ẩn"
        " (chọn các dòng, nhấp phải > Bỏ ẩn/Unhide) hoặc bỏ lọc (Dữ liệu > Xoá/Data >"
        " Clear) để ai xem bảng cũng thấy.",
        SCOPE_FORM_A,
        "Dòng bị ẩn hay bị lọc vẫn là dữ liệu của tệp; nscl không đoán ý người gõ mà tính"
        " như mọi dòng khác và báo để đơn vị quyết định.",
    ),
    rule(
        "task-lines-joined", "warning", "Dòng nội dung được ghép vào nhiệm vụ",
        "{count} dòng (dòng {rows}) chỉ có nội dung (gạch đầu dòng, số con như 1.1, hay phần"
        " viết tiếp không có Stt và tên), không có tổ chức chủ trì, thời gian hay kinh phí:"
        " nscl coi đó là nội dung của nhiệm vụ ở dòng {task_line} và ghép vào nhiệm vụ đó,"
        " không tính là nhiệm vụ riêng.",
        "nếu đúng là nội dung của nhiệm vụ, ghi vào cùng ô của nhiệm vụ (xuống dòng trong ô"
        " bằng Alt+Enter) rồi xoá các dòng này; nếu là nhiệm vụ riêng, ghi đủ Stt, tổ chức"
        " chủ trì, thời gian và kinh phí.",
        SCOPE_FORM_A,
        'Dòng nội dung: có "-", "+", "•" hay "a)" ở cột Stt hoặc ở đầu nội dung, hoặc Stt là'
        " số con của nhiệm vụ ngay trên (1.1, 1.2 … dưới nhiệm vụ 1), hoặc không có cả Stt"
        " lẫn tên nhiệm vụ (nội dung viết tiếp xuống dòng dưới); ngay dưới nhiệm vụ đó"
        " (không cách bởi dòng mục hay dòng cộng). Số con có kinh phí riêng thì là nhiệm vụ"
        " con (xem subtasks-grouped).",
    ),
    rule(
        "subtasks-grouped", "warning", "Nhiệm vụ có các nhiệm vụ con",
        "Nhiệm vụ Stt {number} có {count} nhiệm vụ con ({first} … {last}) ghi kinh phí"
        " riêng: nscl tính từng nhiệm vụ con là một nhiệm vụ, còn dòng Stt {number} là dòng"
        " nhóm, không được tính vào tổng (số tiền của nó chỉ được đối chiếu với các nhiệm vụ"
        " con).",
        "nếu là các nhiệm vụ riêng, đánh Stt 1, 2, 3 … cho từng nhiệm vụ và xoá dòng nhóm;"
        " nếu là một nhiệm vụ gồm nhiều nội dung, ghi các nội dung vào dòng Stt {number}"
        " rồi xoá các dòng con.",
        SCOPE_FORM_A,
        "Stt dạng 1.1, 1.2 … ngay dưới dòng Stt 1 là nhiệm vụ con (và 1.1.1, 1.1.2 … dưới"
        " dòng 1.1, đến bốn cấp). Khi các dòng con có kinh phí, chúng được tính (dòng nhóm"
        " không tính; nhóm nhiều cấp thì chỉ tính các dòng ở cấp trong cùng), để không cộng"
        " một khoản tiền hai lần.",
    ),
    rule(
        "subtask-total-mismatch", "warning", "Cộng của nhóm nhiệm vụ không khớp",
        'Dòng nhóm Stt {number} ghi "{header}" là {found}, khác tổng các nhiệm vụ con là'
        " {expected}; số ghi ở dòng nhóm không được tính vào tổng.",
        "sửa số của dòng Stt {number} bằng tổng các nhiệm vụ con (hoặc dùng công thức SUM).",
        SCOPE_FORM_A,
    ),
    rule(
        "seq-order", "warning", "Stt không liên tục",
        'Stt là "{value}", đúng ra phải là {expected}.',
        "đánh lại Stt 1, 2, 3 … theo thứ tự ưu tiên.",
        SCOPE_FORM_A,
    ),
    rule(
        "totals-mismatch", "warning", "Dòng tổng cộng không khớp",
        'Dòng tổng cộng ghi "{header}" = {found}, nhưng tổng các nhiệm vụ là {expected}.',
        "sửa dòng tổng cộng (hoặc dùng công thức SUM).",
        SCOPE_FORM_A,
        "Dòng tổng cộng không phải nhiệm vụ; tổng của nó chỉ được đối chiếu.",
    ),
    # ---- Form B --------------------------------------------------------------------------
    rule(
        "indicator-not-number", "error", "Chỉ tiêu không phải số",
        'Chỉ tiêu "{name}" ({period}) phải là số, nhưng ô ghi "{value}".',
        "nhập một số.",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-too-large", "error", "Chỉ tiêu quá lớn",
        'Chỉ tiêu "{name}" ({period}) ghi {value}, vượt {limit}: không thể là giá trị của'
        " chỉ tiêu, nên không được cộng vào tổng.",
        "kiểm tra lại số đã nhập (đúng đơn vị tính của chỉ tiêu).",
        SCOPE_FORM_B,
        "Giới hạn kỹ thuật để các phép cộng luôn chính xác.",
    ),
    rule(
        "indicator-negative", "error", "Chỉ tiêu âm",
        'Chỉ tiêu "{name}" ({period}) không được âm ({number}).',
        "nhập số không âm.",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-fractional", "error", "Chỉ tiêu đếm có số lẻ",
        'Chỉ tiêu "{name}" ({period}) là số đếm nhưng ghi {number}.',
        "nhập số nguyên.",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-rate-range", "error", "Tỷ lệ ngoài 0-100",
        'Tỷ lệ "{name}" ({period}) là {number}%, ngoài khoảng 0-100.',
        "nhập tỷ lệ phần trăm từ 0 đến 100.",
        SCOPE_FORM_B,
    ),
    rule(
        "cumulative-less-than-year", "error", "Lũy kế nhỏ hơn số năm",
        'Chỉ tiêu "{name}": lũy kế {cumulative} nhỏ hơn kết quả năm {value}.',
        "kiểm tra lại: lũy kế từ đầu Chương trình phải bằng lũy kế năm trước cộng kết quả"
        " năm nay.",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-total-mismatch", "error", "Tổng kinh phí khác tổng các nguồn",
        'Chỉ tiêu "{name}" ({period}) = {total}, khác tổng các nguồn = {expected}.',
        "sửa để tổng kinh phí bằng tổng các nguồn.",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-missing", "warning", "Thiếu chỉ tiêu",
        "Bảng chỉ tiêu thiếu {count} chỉ tiêu: {names}.",
        "thêm các dòng còn thiếu (ghi 0 nếu không có kết quả).",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-rows-hidden", "warning", "Chỉ tiêu ở dòng bị ẩn",
        "{count} chỉ tiêu có số liệu nằm ở dòng đang bị ẩn hoặc bị lọc khỏi màn hình (dòng"
        " {rows}): số liệu vẫn được đọc và tổng hợp, dù người xem báo cáo không thấy.",
        "bỏ ẩn các dòng (chọn các dòng, nhấp phải > Bỏ ẩn/Unhide) hoặc bỏ lọc (Dữ liệu >"
        " Xoá/Data > Clear); nếu số liệu không đúng, sửa hoặc xoá.",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-unknown", "warning", "Chỉ tiêu lạ",
        'Dòng "{name}" ({values}) không khớp chỉ tiêu nào của mẫu; số liệu của dòng này'
        " không được tổng hợp.",
        "dùng đúng tên chỉ tiêu theo mẫu (có thể viết tắt, ví dụ NSCL, DN), ghi thông tin"
        " khác vào phần báo cáo.",
        SCOPE_FORM_B,
        "Chỉ tiêu được nhận theo số thứ tự (2.3.1 …), tên (không phân biệt hoa thường, dấu"
        " câu, thứ tự từ; chữ viết tắt trong mô tả biểu mẫu được đọc đầy đủ) và đơn vị tính.",
    ),
    rule(
        "indicator-table-missing", "warning", "Không có bảng số liệu chỉ tiêu",
        "Báo cáo không có bảng số liệu chỉ tiêu (bảng có cột \"Năm {year}\" và cột \"Lũy kế"
        " …\"): chỉ phần nội dung được tổng hợp.",
        "thêm bảng số liệu theo mẫu (sheet \"Chỉ tiêu\" của Mẫu B) vào báo cáo, hoặc gửi"
        " kèm tệp bảng tính Mẫu B.",
        SCOPE_FORM_B,
    ),
    rule(
        "indicator-continuity", "warning", "Lũy kế không nối tiếp năm trước",
        'Chỉ tiêu "{name}": lũy kế đến hết năm {year} ghi {cumulative}, nhưng lũy kế đến'
        " hết năm {previous_year} là {previous}{source} cộng kết quả năm {year} là {value}"
        " thì phải là {expected}.",
        "kiểm tra lại: lũy kế năm nay = lũy kế năm trước + kết quả năm nay; nếu số năm"
        " trước đã báo cáo sai, ghi rõ trong cột ghi chú.",
        SCOPE_FORM_B,
        "Đối chiếu với số liệu đã tổng hợp của năm trước trong cùng thư mục trạng thái."
        " Với tỉnh, bộ hợp nhất năm 2025, lũy kế năm trước là tổng lũy kế của các đơn vị"
        " cũ. Tỷ lệ không được đối chiếu.",
    ),
    rule(
        "indicator-continuity-unknown", "info", "Không đủ dữ liệu đối chiếu lũy kế",
        "Không đủ dữ liệu để đối chiếu lũy kế với năm {previous_year}: {missing}.",
        "không cần sửa; muốn đối chiếu, tổng hợp báo cáo năm {previous_year} của các đơn vị"
        " đó vào cùng thư mục trạng thái.",
        SCOPE_FORM_B,
    ),
    rule(
        "narrative-missing", "warning", "Thiếu nội dung báo cáo",
        'Mục "{number} {title}" chưa có nội dung.',
        "viết nội dung cho mục này (ghi \"Không có\" nếu không có).",
        SCOPE_FORM_B,
    ),
    # ---- text ----------------------------------------------------------------------------
    rule(
        "text-legacy-encoding", "warning", "Văn bản bảng mã cũ",
        'Văn bản gõ bằng bảng mã cũ {encoding}: "{raw}"; nội dung Unicode là "{text}".',
        "chuyển mã sang Unicode (Unikey: Công cụ chuyển mã, từ {encoding} sang Unicode)"
        " và dùng phông Times New Roman.",
        SCOPE_TEXT,
        "Nhận biết TCVN3 (ABC, phông .VnTime) và VNI-Windows; nội dung đã chuyển sang"
        " Unicode được dùng khi tổng hợp.",
    ),
    rule(
        "text-not-nfc", "warning", "Văn bản Unicode tổ hợp",
        "{count} ô ghi tiếng Việt ở dạng Unicode tổ hợp (NFD), đầu tiên là ô {first}.",
        "không cần sửa (nscl tự chuẩn hóa); nên gõ bằng Unicode dựng sẵn.",
        SCOPE_TEXT,
    ),
    # ---- selection (the staff's decisions in the master) ---------------------------------
    rule(
        "selection-clarification", "warning", "Bộ KH&CN đề nghị làm rõ nhiệm vụ",
        "Bộ Khoa học và Công nghệ đề nghị làm rõ nhiệm vụ «{task}».{opinion}",
        "giải trình, bổ sung theo ý kiến trên (sửa nội dung nhiệm vụ nếu cần) rồi gửi lại"
        " tệp.",
        SCOPE_SELECTION,
        "Cán bộ Bộ chọn «Cần làm rõ» ở cột Quyết định của bảng tổng hợp; lần tổng hợp sau"
        " ghi ý kiến vào bản đánh dấu gửi lại đơn vị, đánh dấu dòng của nhiệm vụ.",
    ),
    rule(
        "decision-value-unknown", "warning", "Quyết định không đọc được",
        "Ô quyết định ghi «{value}», không phải một trong ba lựa chọn (Đưa vào danh mục,"
        " Không đưa vào, Cần làm rõ): chưa ghi nhận, quyết định trước đó (nếu có) được giữ.",
        "chọn một giá trị trong danh sách thả xuống của cột Quyết định.",
        SCOPE_SELECTION,
        "Kiểm tra khi đọc lại quyết định từ bảng tổng hợp (tệp của Bộ, không phải của đơn"
        " vị).",
    ),
    rule(
        "decision-master-stale", "warning", "Bảng tổng hợp cũ",
        "Bảng tổng hợp này là bản ghi ở lần tổng hợp {run}, cũ hơn quyết định đã ghi nhận"
        " từ bản sau: {count} ô quyết định khác với sổ theo dõi không được lấy.",
        "ghi quyết định vào bảng tổng hợp mới nhất (bản cũ nằm trong thư mục masters của"
        " thư mục trạng thái).",
        SCOPE_SELECTION,
    ),
    rule(
        "decision-content-changed", "warning", "Nội dung đã thay đổi sau khi quyết định",
        "Nội dung đã thay đổi sau khi quyết định: nhiệm vụ «{task}» của {agency}"
        " (quyết định «{decision}», {by}, {at}); {detail}.",
        "xem lại nhiệm vụ; để giữ quyết định, sửa hoặc bổ sung ô Ý kiến của dòng đó (hoặc"
        " chọn quyết định khác).",
        SCOPE_SELECTION,
    ),
    rule(
        "decision-task-missing", "warning", "Quyết định về nhiệm vụ không còn",
        "Nhiệm vụ «{task}» của {agency} đã có quyết định «{decision}» ({by}, {at}) nhưng"
        " không còn trong bảng tổng hợp (đơn vị đổi tên hoặc bỏ nhiệm vụ, hoặc tệp bị từ"
        " chối).",
        "kiểm tra với đơn vị; quyết định vẫn được giữ trong sổ theo dõi và tự gắn lại khi"
        " nhiệm vụ trở lại với đúng tên.",
        SCOPE_SELECTION,
    ),
)

register(*RULES)
