PATIENT_DATA = {
    "goals.Ladder": "workspace",
    "goals.Step": "ladder__workspace",
    "goals.Proposal": "workspace",
    "goals.Comment": "ladder__workspace",
    "goals.LadderChange": "ladder__workspace",
    "goals.Habit": "workspace",
    "goals.HabitCheck": "habit__workspace",
}
