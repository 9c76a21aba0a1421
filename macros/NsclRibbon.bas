Attribute VB_Name = "NsclRibbon"
' NSCL 1322 add-in: callbacks of the ribbon tab "NSCL 1322" (customUI.xml).
'
' Each button runs a Python function through xlwings' RunPython (module "xlwings" of
' this add-in, configured by the sheet "nscl1322.conf" and the file
' %USERPROFILE%\.nscl1322\nscl1322.conf written by "nscl addin install").
' The Python side shows its own Vietnamese message box. This module stays ASCII: the
' Vietnamese texts it shows itself come from the module NsclText, generated at build
' time (xl/vba_text.py). The worksheet functions NSCL_... are the module xlwings_udfs,
' also generated at build time (xl/udf_vba.py): no "Import Functions" step.
Option Explicit

' "Kiem tra": validate the active workbook and mark it (xl/button.py kiem_tra).
Public Sub KiemTra(control As IRibbonControl)
    If Not WorkbookReady(NsclText.CheckTitle()) Then Exit Sub
    RunPython "import xl.button; xl.button.kiem_tra()"
End Sub

' "Chuan hoa van ban": legacy TCVN3/VNI and NFD text to NFC Unicode (xl/button.py chuan_hoa).
Public Sub ChuanHoa(control As IRibbonControl)
    If Not WorkbookReady(NsclText.NormalizeTitle()) Then Exit Sub
    RunPython "import xl.button; xl.button.chuan_hoa()"
End Sub

' RunPython works on the active workbook. With no workbook open, or with a file in
' Protected View (not one of Excel's workbooks until editing is enabled), ActiveWorkbook
' is Nothing and RunPython would stop on VBA error 91: say what to do instead.
Private Function WorkbookReady(title As String) As Boolean
    If Not Application.ActiveProtectedViewWindow Is Nothing Then
        NsclText.Show NsclText.ProtectedView(), title
    ElseIf ActiveWorkbook Is Nothing Then
        NsclText.Show NsclText.NoWorkbook(), title
    Else
        WorkbookReady = True
    End If
End Function
