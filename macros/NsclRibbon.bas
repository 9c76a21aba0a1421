Attribute VB_Name = "NsclRibbon"
' NSCL 1322 add-in: callbacks of the ribbon tab "NSCL 1322" (customUI.xml).
'
' Each button runs a Python function through xlwings' RunPython (module "xlwings" of
' this add-in, configured by the sheet "nscl1322.conf" and the file
' %USERPROFILE%\.nscl1322\nscl1322.conf written by "nscl addin install").
' The Python side shows its own Vietnamese message box; this module stays ASCII.
Option Explicit

' "Kiem tra": validate the active workbook and mark it (xl/button.py kiem_tra).
Public Sub KiemTra(control As IRibbonControl)
    RunPython "import xl.button; xl.button.kiem_tra()"
End Sub

' "Chuan hoa van ban": legacy TCVN3/VNI and NFD text to NFC Unicode (xl/button.py chuan_hoa).
Public Sub ChuanHoa(control As IRibbonControl)
    RunPython "import xl.button; xl.button.chuan_hoa()"
End Sub

' "Nap ham NSCL": import the worksheet functions of xl/udfs.py into this add-in.
' Needs "Trust access to the VBA project object model" (Trust Center > Macro Settings).
Public Sub NapHam(control As IRibbonControl)
    ImportPythonUDFsToAddin
    ThisWorkbook.Save
End Sub
