"""The extraction_score command measures extraction on an article against its data file."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from cooperation.extraction import ORGANIZATION, PERSON
from cooperation.management.commands.extraction_score import score

pytestmark = pytest.mark.django_db

ARTICLE = Path(settings.BASE_DIR) / "data" / "articles" / "2025-02-21-minnikhanov-shapkenov"


def _article():
    data = yaml.safe_load(ARTICLE.with_suffix(".yaml").read_text(encoding="utf-8"))
    return ARTICLE.with_suffix(".txt").read_text(encoding="utf-8"), data


def test_every_person_of_the_seed_article_is_found():
    result = score(*_article())[PERSON]
    assert (result["precision"], result["recall"]) == (1.0, 1.0)
    assert result["missed"] == [] and result["spurious"] == []


def test_most_organizations_are_found_and_few_are_wrong():
    result = score(*_article())[ORGANIZATION]
    assert result["recall"] >= 0.7
    assert result["precision"] >= 0.9
    assert {"tpp-rt", "gossovet-rt", "kamaz", "mazhilis"} <= set(result["found"])


def test_records_are_matched_only_once_the_article_is_loaded():
    assert score(*_article())[PERSON]["matched"] == []
    call_command("load_articles", stdout=StringIO())
    assert len(score(*_article())[PERSON]["matched"]) == 10


def test_the_command_prints_precision_and_recall_per_kind():
    out = StringIO()
    call_command("extraction_score", str(ARTICLE), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("people: 10 mentions, 10 in the data file; found 10")
    assert "  precision 1.00, recall 1.00" in lines
    assert any(line.startswith("organizations:") for line in lines)


def test_a_missing_data_file_is_an_error():
    with pytest.raises(CommandError, match="No such data file"):
        call_command("extraction_score", "data/articles/no-such-article")


HELD_OUT = Path(settings.BASE_DIR) / "tests" / "data" / "extraction" / "heldout"


def test_articles_the_extraction_was_not_tuned_on_meet_the_aim():
    out = StringIO()
    call_command("extraction_score", str(HELD_OUT), stdout=out)
    totals = out.getvalue().split("== total of 4 articles\n")[1].splitlines()
    figures = {
        line.split(":")[0]: [float(x.split()[-1]) for x in line.split(";")[1].split(",")]
        for line in totals
    }
    assert min(figures["people"]) >= 0.95
    assert min(figures["organizations"]) >= 0.9
