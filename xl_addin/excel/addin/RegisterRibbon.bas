Attribute VB_Name = "RegisterRibbon"
' The Register tab's buttons. Each hands its button's id to xlreg's Python entry point, which finds the
' register in the active workbook, runs the same engine as the xlreg command and writes the result back.
' RunPython comes from the xlwings module of this add-in; which Python it starts is set by "xlreg addin install".
' RunPython uses the active workbook unchecked, so the cases without one are answered here, in plain words.
Option Explicit

Public Sub OnRegisterButton(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        #If Mac Then
            MsgBox "Open the register workbook first: the Register tab works on the workbook in front.", _
                vbInformation, "Register"
        #Else
            If Not Application.ActiveProtectedViewWindow Is Nothing Then
                MsgBox "This workbook is open in Protected View. Click Enable Editing, then use the Register " & _
                    "tab again.", vbInformation, "Register"
            Else
                MsgBox "Open the register workbook first: the Register tab works on the workbook in front.", _
                    vbInformation, "Register"
            End If
        #End If
        Exit Sub
    End If
    If control.Id = "snapshot" And ActiveWorkbook.Path = "" Then
        MsgBox "Save the workbook first: the snapshot is kept in a 'snapshots' folder beside it.", _
            vbInformation, "Register"
        Exit Sub
    End If
    If control.Id = "remind" And ActiveWorkbook.Path = "" Then
        MsgBox "Save the workbook first: the reminders are written to a folder beside it.", _
            vbInformation, "Register"
        Exit Sub
    End If
    RunPython "import xl_addin.excel.ribbon; xl_addin.excel.ribbon.on_action('" & control.Id & "')"
End Sub
