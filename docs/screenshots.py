"""Take the screenshots of the README and the user guide from a running demo.

    make run                      # in one terminal: the demo at http://127.0.0.1:8000
    make screenshots              # in another: writes docs/img/en/*.png and docs/img/zh/*.png

The pictures are taken, never drawn: run this again after a change to the pages and commit
what changed. Each person of the demo signs in in their own language (the project manager in
English, the owner in Chinese, one client contact in each), and each page is reached by
following the links a user would follow, so a renamed link breaks this script rather than
leaving an old picture behind.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "rapport-demo-2026"
OUT = Path(__file__).resolve().parent / "img"
VIEWPORT = {"width": 1280, "height": 860}

# Per language: who signs in, which client and project the pages show.
PEOPLE = {
    "en": {
        "member": "pm@lumen.demo",
        "contact": "sarah@northwind.demo",
        "project": "NWL-01",
        "project_name": "Customer portal relaunch",
        "changes": "NWL-01",
        "client": "Northwind Logistics",
        "closed": "NWL-00",
    },
    "zh": {
        "member": "owner@lumen.demo",
        "contact": "zhangwei@huachen.demo",
        "project": "HCM-01",
        "project_name": "患者预约系统",
        "changes": "HCM-02",
        "client": "华晨医疗",
        "closed": "HCM-00",
    },
}

# The project page's buttons, by their label in each language: (file name, English, 中文).
PROJECT_PAGES = [
    ("baseline", "Baseline", "基线"),
    ("changes", "Change log", "变更日志"),
    ("reports", "Status reports", "状态报告"),
    ("communication", "Communication", "沟通"),
    ("messages", "Messages", "消息"),
    ("meetings", "Meetings", "会议"),
    ("risks", "Risks", "风险"),
    ("issues", "Issues", "问题"),
    ("feedback", "Client feedback", "客户反馈"),
]
NAV = [
    ("portfolio", "Portfolio", "项目组合"),
    ("lessons", "Lessons learned", "经验教训"),
    ("conflicts", "Conflicts", "冲突"),
    ("organisation-feedback", "Client feedback", "客户反馈"),
]


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def shoot(page: Page, language: str, name: str) -> None:
    page.wait_for_load_state("networkidle")
    path = OUT / language / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    print(f"  {path.relative_to(OUT.parent)}")


def click(page: Page, label: str, within: str = "main") -> None:
    page.locator(within).get_by_role("link", name=label, exact=False).first.click()


def internal(page: Page, base: str, language: str) -> None:
    who = PEOPLE[language]
    column = 1 if language == "en" else 2
    sign_in(page, base, who["member"])
    shoot(page, language, "home")
    for name, *labels in NAV:
        page.locator("nav.nav").get_by_role("link", name=labels[column - 1], exact=True).click()
        shoot(page, language, name)
    page.locator("nav.nav").get_by_role(
        "link", name=labels_of("Clients", language), exact=True
    ).click()
    click(page, who["client"])
    shoot(page, language, "client")
    project_page(page, base, language, who["project"])
    shoot(page, language, "project")
    for name, *labels in PROJECT_PAGES:
        project_page(page, base, language, who["changes" if name == "changes" else "project"])
        click(page, labels[column - 1])
        shoot(page, language, name)
        if name == "reports":
            page.locator("main table a").first.click()
            shoot(page, language, "report")
        if name == "changes":
            page.locator("main table a").first.click()
            shoot(page, language, "change-request")
        if name == "meetings":
            page.locator("main table a, main ul a").first.click()
            shoot(page, language, "meeting")
    project_page(page, base, language, who["closed"])
    click(page, labels_of("Closure", language))
    shoot(page, language, "closure")


def labels_of(english: str, language: str) -> str:
    chinese = {"Clients": "客户", "Closure": "结项", "Projects": "项目"}
    return english if language == "en" else chinese[english]


def project_page(page: Page, base: str, language: str, code: str) -> None:
    page.goto(f"{base}/app/projects/")
    page.locator("main tr", has=page.locator("code", has_text=code)).get_by_role(
        "link"
    ).first.click()
    page.wait_for_load_state("networkidle")


def portal(page: Page, base: str, language: str) -> None:
    who = PEOPLE[language]
    sign_in(page, base, who["contact"])
    shoot(page, language, "portal-home")
    page.locator("main").get_by_role("link", name=who["project_name"]).first.click()
    shoot(page, language, "portal-project")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the running demo")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    steps: list[Callable[[Page, str, str], None]] = [internal, portal]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=["--no-sandbox"]
        )
        for language in PEOPLE:
            print(language)
            for step in steps:
                context = browser.new_context(viewport=VIEWPORT, locale=language)
                step(context.new_page(), args.base.rstrip("/"), language)
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
