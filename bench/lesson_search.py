"""Searching the lessons library at scale: an organisation with ``size`` lessons (100,000 by
default), half in English and half in Chinese, written from varied sentences about a few
thousand projects of hundreds of clients (seeded, so every run builds the same library),
inserted in bulk with their term index; then a fixed set of English and Chinese queries, each
run through ``lessons.selectors.lesson_search`` as the library page does, timed and its
queries counted."""

from __future__ import annotations

import itertools
import random
import re
import statistics
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import rapport
from bench import Result
from rapport.clients.models import Client
from rapport.lessons import search, selectors
from rapport.lessons.models import Category, Lesson, LessonTerm
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, Organisation, Role, User

DEFAULT_SIZE = 100_000
SEED = 2026
LESSONS_PER_PROJECT = 20
PROJECTS_PER_CLIENT = 10
BATCH = 5000
RUNS = 5  # each query, after one untimed run

QUERIES = [
    "scope change",
    "estimate for the integration",
    "acceptance criteria",
    "weekly demo feedback",
    "change request budget",
    "sponsor communication",
    "test environment",
    "data migration delay",
    "offline sync",
    "需求变更",
    "验收标准",
    "接口 估算",
    "每周例会",
    "测试环境",
    "客户沟通 延期",
    "预算 变更申请",
    "关键用户 培训",
    "数据迁移",
]

# Sentences with slots, per language and field; slots are filled from the pools below.
EN: dict[str, Any] = {
    "who": [
        "the client's sponsor",
        "the dispatch team",
        "the finance department",
        "our developers",
        "the test team",
        "the vendor",
        "the steering committee",
        "the key users",
        "the operations manager",
        "the data team",
        "the service desk",
        "the product owner",
    ],
    "system": [
        "customer portal",
        "warehouse app",
        "billing engine",
        "CRM integration",
        "mobile app",
        "reporting dashboard",
        "data migration",
        "payment gateway",
        "booking system",
        "inventory service",
        "ERP interface",
        "analytics platform",
        "route planner",
        "document archive",
    ],
    "feature": [
        "a new export format",
        "single sign-on",
        "offline sync",
        "a monthly report",
        "role-based access",
        "multi-currency prices",
        "an audit log",
        "push notifications",
        "bulk import",
        "a printable invoice",
    ],
    "title": [
        "Agree the {feature} before the build starts",
        "{system}: acceptance criteria written too late",
        "Estimate the {system} integration as a range",
        "Weekly demos of the {system} kept {who} on board",
        "Price every change to the {system}",
        "Prepare the test environment for the {system} early",
        "Keep {who} informed when the {system} slips",
        "Data migration of the {system} needs a dry run",
    ],
    "what_happened": [
        "{Who} asked for {feature} in the {system} two weeks before go-live.",
        "{Who} found defects in the {system} during acceptance testing.",
        "The estimate for the {system} was {n} days and the work took {m}.",
        "{Who} heard that the {system} release slipped by {n} weeks from someone else.",
        "Requirements for the {system} changed {n} times without a change request.",
        "The test environment for the {system} was ready {n} days before the deadline.",
        "After weekly demos started, {who} gave feedback on the {system} within days.",
    ],
    "impact": [
        "The go-live moved by {n} weeks.",
        "The budget contingency was used up.",
        "Satisfaction scores dropped from {n} to {m}.",
        "The team worked overtime for {n} weeks.",
        "Acceptance was delayed and the invoice with it.",
    ],
    "root_cause": [
        "Nobody walked {who} through the acceptance criteria.",
        "The estimate was a single number for an API nobody had used.",
        "Small changes bypassed the change request process.",
        "No touchpoint with {who} was planned.",
        "The dependency on {who} was not in the risk register.",
    ],
    "recommendation": [
        "Walk through the acceptance criteria with {who} before the baseline is signed.",
        "Give integrations a range and a spike before committing a date.",
        "Log every request as a change request with its cost and schedule effect.",
        "Demo working software to {who} every week.",
        "Plan the test environment as a milestone owned by {who}.",
        "Rehearse the data migration twice before the cut-over.",
        "Send a one-page status report every Friday.",
    ],
    "tags": ["scope", "estimate", "demo", "change request", "budget", "testing", "sponsor"],
}
ZH: dict[str, Any] = {
    "who": [
        "客户发起人",
        "财务部",
        "开发团队",
        "测试团队",
        "供应商",
        "指导委员会",
        "关键用户",
        "运营经理",
        "信息部",
        "护理部",
        "产品负责人",
        "客服中心",
    ],
    "system": [
        "客户门户",
        "仓储应用",
        "计费引擎",
        "移动护理系统",
        "报表平台",
        "数据迁移",
        "支付网关",
        "预约系统",
        "库存服务",
        "医院信息系统接口",
        "数据分析平台",
        "电子病历",
    ],
    "feature": [
        "新的导出格式",
        "单点登录",
        "离线同步",
        "月度报表",
        "权限管理",
        "多币种价格",
        "审计日志",
        "消息推送",
        "批量导入",
        "护理评估量表",
    ],
    "title": [
        "{system}的需求变更没有走流程",
        "{system}的验收标准确认太晚",
        "{system}接口的工作量被低估",
        "每周例会让{who}及时了解{system}的进展",
        "尽早准备{system}的测试环境",
        "{system}延期时没有及时通知{who}",
        "{system}数据迁移前要先演练",
        "请{who}参与{system}的验收测试",
    ],
    "what_happened": [
        "{who}在上线前两周提出在{system}中增加{feature}。",
        "{who}在验收测试中发现{system}有多个缺陷。",
        "{system}的估算是{n}天，实际用了{m}天。",
        "{system}的发布推迟了{n}周，{who}是从别人那里听说的。",
        "{system}的需求变更了{n}次，都没有提交变更申请。",
        "{system}的测试环境在截止日期前{n}天才准备好。",
        "开始每周演示后，{who}在几天内就对{system}提出反馈。",
    ],
    "impact": [
        "上线推迟了{n}周。",
        "预算中的应急储备被用完。",
        "客户满意度从{m}分降到{n}分。",
        "团队连续加班{n}周。",
        "验收被推迟，回款也随之推迟。",
    ],
    "root_cause": [
        "没有和{who}逐条确认验收标准。",
        "对没人用过的接口只给了一个估算数字。",
        "小的变更绕过了变更流程。",
        "没有安排与{who}的定期沟通。",
        "对{who}的依赖没有登记在风险登记册中。",
    ],
    "recommendation": [
        "在基线签字前与{who}逐条确认验收标准。",
        "对接口集成给出估算范围，先做技术验证再承诺日期。",
        "所有需求变更都要提交变更申请，评估对进度和预算的影响。",
        "每周向{who}演示可运行的软件。",
        "把测试环境列为由{who}负责的里程碑。",
        "切换前至少演练两次数据迁移。",
        "每周五发送一页纸周报。",
    ],
    "tags": ["需求变更", "估算", "演示", "变更申请", "预算", "测试", "沟通"],
}
FIELDS = ("what_happened", "impact", "root_cause", "recommendation")


DETAILS = {
    "en": ["It concerned the {} {} and the {} of the {}.", "The notes mention {}, {} and {}."],
    "zh-hans": ["问题涉及{}、{}和{}的{}。", "记录中提到{}、{}和{}。"],
}


def vocabulary() -> dict[str, tuple[list[str], list[float]]]:
    """The words a library's specifics are drawn from, most common first, with Zipf weights:
    English from Rapport's own interface texts, Chinese nouns from jieba's dictionary."""
    import jieba

    catalogue = Path(rapport.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
    english: Counter[str] = Counter(
        word
        for line in catalogue.read_text().splitlines()
        if line.startswith("msgid ")
        for word in re.findall(r"[a-z]{4,}", line.lower())
        if word not in search.STOPWORDS
    )
    chinese = []
    with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as words:
        for line in words:
            word, frequency, tag = line.split()
            if tag in {"n", "vn", "nz"} and 2 <= len(word) <= 4:
                chinese.append((int(frequency), word))
    return {
        "en": _zipf([word for word, _n in english.most_common()]),
        "zh-hans": _zipf([word for _n, word in sorted(chinese, reverse=True)[:20_000]]),
    }


def _zipf(words: list[str]) -> tuple[list[str], list[float]]:
    return words, list(itertools.accumulate(1 / (rank + 10) for rank in range(len(words))))


class Writer:
    """Seeded sentences, and their terms segmented once per distinct sentence: a lesson's
    terms are its sentences' terms, since every sentence ends where a segment ends."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cache: dict[str, list[str]] = {}
        self.words = vocabulary()

    def detail(self, language: str, template: str) -> str:
        words, weights = self.words[language]
        return template.format(*self.rng.choices(words, cum_weights=weights, k=4))

    def terms(self, text: str) -> list[str]:
        if text not in self.cache:
            self.cache[text] = search.terms(text)
        return self.cache[text]

    def sentence(self, pool: dict[str, Any], kind: str) -> str:
        who = self.rng.choice(pool["who"])
        return self.rng.choice(pool[kind]).format(
            who=who,
            Who=who[:1].upper() + who[1:],
            system=self.rng.choice(pool["system"]),
            feature=self.rng.choice(pool["feature"]),
            n=self.rng.randint(2, 9),
            m=self.rng.randint(10, 30),
        )

    def lesson(self, language: str) -> tuple[dict[str, Any], Counter[str]]:
        pool, separator = (EN, " ") if language == "en" else (ZH, "")
        what, cause = DETAILS[language]
        specifics = {"what_happened": self.detail(language, what)}
        specifics["root_cause"] = self.detail(language, cause)
        values: dict[str, Any] = {"title": self.sentence(pool, "title")}
        body: list[str] = []
        for field in FIELDS:
            sentences = [self.sentence(pool, field) for _ in range(self.rng.randint(1, 2))]
            sentences += [specifics[field]] if field in specifics else []
            values[field] = separator.join(sentences)
            body += sentences
        values["tags"] = self.rng.sample(pool["tags"], self.rng.randint(1, 3))
        counts: Counter[str] = Counter()
        for term in self.terms(values["title"]):
            counts[term] += search.TITLE_WEIGHT
        for text in [*body, *values["tags"]]:
            counts.update(self.terms(text))
        return values, counts


def _organisation() -> tuple[Organisation, User]:
    organisation = Organisation.objects.create(name="Bench lessons", slug="bench-lessons")
    owner = User.objects.create(email="owner@bench-lessons.example", full_name="Bench Owner")
    Membership.objects.create(organisation=organisation, user=owner, role=Role.OWNER)
    return organisation, owner


def _projects(organisation: Organisation, owner: User, count: int) -> list[Project]:
    clients = Client.objects.bulk_create(
        Client(organisation=organisation, name=f"Client {n:04d}", language="en")
        for n in range(max(count // PROJECTS_PER_CLIENT, 1))
    )
    return Project.objects.bulk_create(
        (
            Project(
                organisation=organisation,
                client=clients[n % len(clients)],
                name=f"Project {n:05d}",
                code=f"L-{n:05d}",
                pm=owner,
                start_date=date(2019 + n % 8, 1, 1),
                end_date=date(2019 + n % 8, 12, 31),
                status=Project.Status.CLOSED,
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )


def build(size: int) -> tuple[Actor, Writer]:
    """The library, inserted in batches; terms written with one multi-row insert per batch."""
    rng = random.Random(SEED)
    writer = Writer(rng)
    with transaction.atomic():
        organisation, owner = _organisation()
        projects = _projects(organisation, owner, max(size // LESSONS_PER_PROJECT, 1))
        categories = list(Category.values)
        table = LessonTerm._meta.db_table
        for start in range(0, size, BATCH):
            lessons, counts = [], []
            for n in range(start, min(start + BATCH, size)):
                language = "zh-hans" if n % 2 else "en"
                values, terms = writer.lesson(language)
                project = projects[n % len(projects)]
                lessons.append(
                    Lesson(
                        organisation=organisation,
                        project=project,
                        client_id=project.client_id,
                        category=rng.choice(categories),
                        language=language,
                        shared_with_client=rng.random() < 0.3,
                        year=project.end_date.year,
                        length=sum(terms.values()),
                        created_by=owner,
                        **values,
                    )
                )
                counts.append(terms)
            Lesson.objects.bulk_create(lessons)
            rows = [
                (p.lesson_id, organisation.pk, p.term, p.count, p.length, p.impact)
                for lesson, terms in zip(lessons, counts, strict=True)
                for p in search.postings(lesson, terms)
            ]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} "  # noqa: S608 - the model's own table
                    "(lesson_id, organisation_id, term, count, length, impact) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    rows,
                )
    _check_index(organisation)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a long-lived database would have
    return Actor.member(owner, organisation, Role.OWNER), writer


def _check_index(organisation: Organisation) -> None:
    """The bulk index must be the one the services write, or the timings mean nothing."""
    for lesson in Lesson.objects.filter(organisation=organisation).order_by("?")[:200]:
        counts = search.term_counts(*search.lesson_text(lesson))
        expected = {(p.term, p.count, p.length, p.impact) for p in search.postings(lesson, counts)}
        stored = LessonTerm.objects.filter(lesson=lesson).values_list(
            "term", "count", "length", "impact"
        )
        if set(stored) != expected or lesson.length != sum(counts.values()):
            raise RuntimeError(f"the bulk index differs from search.index for {lesson.pk}")


def search_all(actor: Actor) -> tuple[list[float], list[int], dict[str, Any]]:
    """Each query's timings, and per query its result count and median time."""
    durations, queries, hits = [], [], {}
    for query in QUERIES:
        found = len(selectors.lesson_search(actor=actor, query=query))  # warm
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                selectors.lesson_search(actor=actor, query=query)
                durations.append(time.perf_counter() - started)
            queries.append(len(captured.captured_queries))
        ms = statistics.median(durations[-RUNS:]) * 1000
        hits[query] = {"results": found, "p50_ms": round(ms, 1)}
    return durations, queries, hits


def run(*, size: int | None = None) -> Result:
    size = size or DEFAULT_SIZE
    started = time.perf_counter()
    actor, writer = build(size)
    setup = time.perf_counter() - started
    durations, queries, hits = search_all(actor)
    return Result(
        name="lesson_search",
        operation="lessons.selectors.lesson_search",
        durations=durations,
        queries=queries,
        setup_seconds=setup,
        parameters={"lessons": size, "queries": len(QUERIES), "runs": RUNS, "seed": SEED},
        observations={
            "terms": LessonTerm.objects.count(),
            "distinct_sentences": len(writer.cache),
            "results": hits,
        },
    )
