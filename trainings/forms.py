from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from pompidou_site.search import without_control_characters
from pompidou_site.taxonomy import in_locale


class TrainingFilterForm(forms.Form):
    """The training calendar's filters, offering only what the trainings listed have.

    A GET form: the choices are kept in the address. A value that is not among the choices (typed
    by hand, or left by a training since unpublished) is ignored, never an error page.
    """

    programme = forms.ChoiceField(label=_("Programme"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, trainings, holder=None):
        if data:
            data = data.copy()
            for name in self.base_fields:
                if name in data:
                    # An invalid choice is named in its error message: nothing unprintable in it.
                    data[name] = without_control_characters(data[name])
            if "country" in data:
                # A country code in either case, as the country pages and the API take it.
                data["country"] = data["country"].upper()
        super().__init__(data)
        programmes = {}
        for training in trainings:
            programme = training.parent_page
            programmes.setdefault(programme.path, programme)
        # The programmes offered, by slug (their value in the address), in the tree's order.
        self.programmes = {programme.slug: programme for _path, programme in sorted(programmes.items())}
        self.fields["programme"].choices = [
            ("", _("All programmes")),
            *((slug, programme.title) for slug, programme in self.programmes.items()),
        ]
        countries = {training.country.pk: training.country for training in trainings if training.country}
        self.fields["country"].choices = [
            ("", _("All countries")),
            *((country.iso_code, country.name) for country in in_locale(countries.values(), holder)),
        ]
        years = sorted({year for training in trainings for year in training.calendar_years}, reverse=True)
        self.fields["year"].choices = [("", _("All years")), *((year, year) for year in years)]

    @property
    def selected(self):
        """The valid choices made, by field name; invalid ones are left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}

    @property
    def has_filters(self):
        return bool(self.selected)

    @property
    def query_string(self):
        return urlencode(self.selected)

    def apply(self, trainings):
        """The trainings that match every valid choice."""
        selected = self.selected
        return [training for training in trainings if self._matches(training, selected)]

    @staticmethod
    def _matches(training, selected):
        if "programme" in selected and training.parent_page.slug != selected["programme"]:
            return False
        if "country" in selected and (training.country is None or training.country.iso_code != selected["country"]):
            return False
        return "year" not in selected or selected["year"] in training.calendar_years
