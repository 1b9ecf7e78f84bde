from django.http import HttpRequest, JsonResponse


def ping(request: HttpRequest) -> JsonResponse:
    """A bare JSON view: the baseline the benchmarks compare database views against."""
    return JsonResponse({"pong": True})
