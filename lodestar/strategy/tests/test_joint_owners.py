from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase, make_organisation
from lodestar.strategy import services
from lodestar.strategy.models import Strategy
from lodestar.strategy.tests.builders import make_strategy


class JointOwnerTests(PersonaTestCase):
    def setUp(self) -> None:
        self.partner = make_organisation("RY8", "Derbyshire Community Health Services")
        self.strategy = make_strategy(
            self.org, title="Integrated care strategy", kind=Strategy.Kind.INTEGRATED_CARE
        )

    def test_a_joint_strategy_names_its_partners_and_the_change_is_audited(self) -> None:
        services.set_joint_owners(self.executive, self.strategy, [self.partner], "Agreed at ICP")
        self.assertEqual(list(self.strategy.joint_owners.all()), [self.partner])
        entry = AuditEntry.objects.for_record("strategy.strategy", self.strategy.uuid).first()
        assert entry is not None
        self.assertEqual(entry.changes["joint_owners"], [[], ["RY8"]])

    def test_the_keeping_organisation_cannot_also_be_a_joint_owner(self) -> None:
        with self.assertRaises(ValidationError):
            services.set_joint_owners(self.executive, self.strategy, [self.org])
        self.assertFalse(self.strategy.joint_owners.exists())

    def test_staff_cannot_name_joint_owners(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.set_joint_owners(self.staff, self.strategy, [self.partner])

    def test_the_edit_page_offers_partners_in_the_same_system_only(self) -> None:
        self.client.force_login(self.executive)
        url = reverse("strategy:edit", args=[self.org.uuid, self.strategy.uuid])
        response = self.client.get(url)
        self.assertContains(response, "Derbyshire Community Health Services")
        self.assertNotContains(response, "Nottinghamshire Healthcare")  # another ICS

    def test_choosing_a_partner_outside_the_system_is_refused(self) -> None:
        self.client.force_login(self.executive)
        url = reverse("strategy:edit", args=[self.org.uuid, self.strategy.uuid])
        response = self.client.post(
            url,
            {
                "title": "Integrated care strategy",
                "kind": "integrated_care",
                "start_year": 2022,
                "end_year": 2025,
                "vision": "Better together",
                "joint_owners": [self.other_org.pk],
            },
        )
        self.assertContains(response, "Select a valid choice", status_code=400)
        self.assertFalse(self.strategy.joint_owners.exists())


class SmallFixesTests(PersonaTestCase):
    def test_a_new_kind_gets_a_sensible_plural(self) -> None:
        from lodestar.strategy.services import add_element_kind

        kind = add_element_kind(self.executive, self.org, name="Enabling strategy")
        self.assertEqual(kind.plural, "Enabling strategies")
        self.assertEqual(
            add_element_kind(self.executive, self.org, name="Key focus").plural, "Key focuses"
        )

    def test_a_yaml_file_with_a_nul_character_is_refused_by_place(self) -> None:
        from lodestar.strategy.exchange_yaml import read_yaml

        _, problems = read_yaml(b'strategy:\n  title: "A\\0"\n  vision: x\n')
        self.assertEqual(len(problems), 1)
        self.assertIn("strategy.title", str(problems[0]))
        self.assertIn("NUL", str(problems[0]))
