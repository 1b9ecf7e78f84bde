"""The toolkit's JSON checks: types as the schema says, lengths as sent."""

from __future__ import annotations

from rest_framework import serializers

from smart360.api.strict import type_errors


class Note(serializers.Serializer):
    title = serializers.CharField(max_length=5)
    count = serializers.IntegerField(required=False)


def test_max_length_counts_the_text_as_sent_not_as_trimmed():
    # DRF trims trailing whitespace (\x1f counts) before checking max_length; the schema's
    # maxLength is on what the client sent.
    assert type_errors(Note, {"title": "abc\x1f\x1f\x1f"}) == {
        "title": "Ensure this field has no more than 5 characters."}
    assert type_errors(Note, {"title": "abcde"}) == {}


class Code(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Z]{3}$")


def test_a_pattern_is_matched_against_the_text_as_sent():
    # DRF trims " ABC" to "ABC" and would accept what the schema's pattern refuses.
    assert type_errors(Code, {"code": " ABC"}) == {
        "code": "This value does not match the required pattern."}
    assert type_errors(Code, {"code": "ABC"}) == {}


def test_a_string_is_not_an_integer():
    assert type_errors(Note, {"title": "a", "count": "7"}) == {"count": "Expected an integer."}


def test_a_single_valued_query_parameter_given_twice_is_refused():
    from django.http import QueryDict

    from smart360.api.pagination import query_values

    class Filters(serializers.Serializer):
        unread = serializers.BooleanField(required=False)

    once = Filters(data=query_values(Filters, QueryDict("unread=true")))
    assert once.is_valid()
    twice = Filters(data=query_values(Filters, QueryDict("unread=true&unread=")))
    assert not twice.is_valid()
