"""Template context every Rostra page gets."""


def csp_nonce(request):
    """`{{ csp_nonce }}`: this response's Content-Security-Policy nonce, made by django-csp's middleware
    (the one source of nonces). It stays lazy: a nonce enters the header only if a template used it."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
