from drf_spectacular.generators import SchemaGenerator


def test_programme_routes_are_in_the_openapi_schema(db):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in [
        "/api/v1/programmes/",
        "/api/v1/programmes/{programme_id}/",
        "/api/v1/programmes/{programme_id}/media/{name}",
        "/api/v1/programme-pages/{page_id}/",
        "/api/v1/exercises/",
        "/api/v1/workspaces/{workspace_id}/programme-progress/",
        "/api/v1/workspaces/{workspace_id}/exercise-answers/",
        "/api/v1/workspaces/{workspace_id}/exercise-answers/{exercise_id}/",
        "/api/v1/workspaces/{workspace_id}/enrolments/",
    ]:
        assert path in paths, path


def test_starting_a_programme_and_replying_to_an_answer_declare_their_201(db):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in [
        "/api/v1/workspaces/{workspace_id}/enrolments/",
        "/api/v1/workspaces/{workspace_id}/exercise-answers/{answer_id}/feedback/",
    ]:
        responses = paths[path]["post"]["responses"]
        assert "201" in responses and "200" not in responses, path
