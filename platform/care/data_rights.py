PATIENT_DATA = {
    "care.Workspace": "",  # the workspace itself
    "care.CareTeamMembership": "workspace",
    "care.Course": "workspace",
    "care.RelativeAccess": "workspace",
    "care.WorkspaceUserObjectPermission": "content_object",
}
NOT_PATIENT_DATA = {
    "care.DataExport": "a prepared copy of the patient's own download: not exported again, kept "
    "a week, deleted with the workspace",
    "care.Cover": "a clinician's absence and who covers it: no patient data (the cover's "
    "memberships are CareTeamMembership rows, exported and erased with the workspace)",
    "care.WorkspaceGroupObjectPermission": "unused: consent is granted to users, never to groups",
    "care.Invitation": "the clinician's record of an e-mail sent; deleted with the patient's account",
}
