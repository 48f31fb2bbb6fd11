Attribute VB_Name = "RegisterRibbon"
' The Register tab's buttons. Each hands its button's id to xlreg's Python entry point, which finds the
' register in the active workbook, runs the same engine as the xlreg command and writes the result back.
' RunPython comes from the xlwings module of this add-in; which Python it starts is set by "xlreg addin install".
Option Explicit

Public Sub OnRegisterButton(control As IRibbonControl)
    RunPython "import xl_addin.excel.ribbon; xl_addin.excel.ribbon.on_action('" & control.Id & "')"
End Sub
