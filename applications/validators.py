"""Validation shared by the application's forms and models.

The personal-identity-number check lives in ``identity_numbers`` (one module for free text
and attachments); it is re-exported here for the forms that name it.
"""

from .identity_numbers import find_personal_identity_number, no_personal_identity_number

__all__ = ["find_personal_identity_number", "no_personal_identity_number"]
