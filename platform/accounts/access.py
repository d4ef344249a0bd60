from config.access import Audience, Rule

ROUTES = {
    "accounts:login": Rule(
        Audience.PUBLIC, methods=("GET", "POST"), signed_in_ok={"GET": 302, "POST": 302}
    ),
    "accounts:logout": Rule(Audience.PUBLIC, methods=("POST",), ok={"POST": 302}),
    "accounts:set_language": Rule(
        Audience.PUBLIC,
        methods=("POST",),
        ok={"POST": 400},
        note="the language switcher; an empty or unknown choice is 400 and changes nothing",
    ),
    "accounts:profile": Rule(Audience.AUTHENTICATED, methods=("GET", "POST")),
    "accounts:api_tokens": Rule(
        Audience.AUTHENTICATED, methods=("GET", "POST"), note="POST makes a key (shown once)"
    ),
    "accounts:api_tokens_revoke_all": Rule(
        Audience.AUTHENTICATED, methods=("POST",), ok={"POST": 200}
    ),
    "accounts:api_token_revoke": Rule(
        Audience.AUTHENTICATED,
        methods=("POST",),
        params={"key": "no_api_key"},
        ok={"POST": 404},
        note="only the person's own keys; any other key is 404",
    ),
    "accounts:mfa_setup": Rule(Audience.AUTHENTICATED, methods=("GET", "POST")),
    "accounts:mfa_verify": Rule(
        Audience.AUTHENTICATED,
        methods=("GET", "POST"),
        ok={"GET": 302, "POST": 302},
        note="redirects to set-up while the user has no confirmed device",
    ),
    "accounts:password_change": Rule(Audience.AUTHENTICATED, methods=("GET", "POST")),
    "accounts:password_change_done": Rule(Audience.AUTHENTICATED),
    "accounts:password_reset": Rule(Audience.PUBLIC, methods=("GET", "POST")),
    "accounts:password_reset_done": Rule(Audience.PUBLIC),
    "accounts:password_reset_confirm": Rule(
        Audience.PUBLIC, params={"uidb64": "bad_uid", "token": "bad_token"}
    ),
    "accounts:password_reset_complete": Rule(Audience.PUBLIC),
    "api:me": Rule(Audience.AUTHENTICATED, methods=("GET", "PATCH"), api=True, ok={"PATCH": 200}),
}
