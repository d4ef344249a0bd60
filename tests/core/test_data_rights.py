"""Every model is declared as patient data (exported, erased) or explained as not."""

from care.privacy import declarations, project_models, workspace_export


def test_every_model_is_declared_for_export_or_explicitly_excluded():
    declared = declarations()
    both = set(declared.patient_data) & set(declared.not_patient_data)
    missing = [
        m
        for m in project_models()
        if m not in declared.patient_data and m not in declared.not_patient_data
    ]
    assert both == set()
    assert missing == [], f"declare these in <app>/data_rights.py: {missing}"


def test_declarations_name_real_models():
    declared = declarations()
    models = set(project_models())
    assert set(declared.patient_data) - models == set()
    assert set(declared.not_patient_data) - models == set()


def test_export_holds_the_patients_records_and_nobody_elses(world):
    exported = workspace_export(workspace=world.workspace)
    text = str(exported)
    assert "CANARY-OWNER" in text  # the owner's name is in their own account record
    assert "CANARY-OTHER" not in text
    assert len(exported["care.CareTeamMembership"]) == 4
    assert exported["accounts.User"][0]["email"] == "owner@example.test"
    assert "password" not in exported["accounts.User"][0]
