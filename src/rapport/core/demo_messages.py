"""Demo conversations between the team and the clients, told through the services (so the
waiting clock, the response times, the audit trail and the outbox are real): English on
Northwind's projects, Chinese on Huachen's; most answered, one waiting for the team for two
days, one with a PDF attached."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from rapport.clients.models import Contact
from rapport.messaging import services as messaging
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, Organisation, Role

# project code → threads; a thread is its subject, then (who, hours ago, text, attachment?)
# where who is "client", "pm" or "member". The first entry opens the thread.
Post = tuple[str, float, str, str]
STORIES: dict[str, list[tuple[str, list[Post]]]] = {
    "NWL-01": [
        (
            "Tracking page: which carrier names do customers see?",
            [
                (
                    "client",
                    20 * 24,
                    "Our customer service asked whether the tracking page shows the "
                    "**subcontracted carrier** or only Northwind. Customers get confused when "
                    "a DHL van turns up.",
                    "",
                ),
                (
                    "pm",
                    20 * 24 - 3,
                    "Good point. Today it shows Northwind only. We can add the carrier's "
                    "name and logo under the status line:\n\n- no extra cost\n- ready in the "
                    "next sprint\n\nShall we?",
                    "",
                ),
                ("client", 19 * 24, "Yes please, go ahead.", ""),
                (
                    "pm",
                    19 * 24 - 1.5,
                    "Done: it is in sprint 7. I'll show it in Thursday's demo.",
                    "",
                ),
            ],
        ),
        (
            "Go-live checklist",
            [
                (
                    "pm",
                    10 * 24,
                    "Sarah, attached is the go-live checklist. The items marked *client* "
                    "are yours: mainly the DNS change and the announcement to customers.",
                    "go-live-checklist.pdf",
                ),
                (
                    "client",
                    9 * 24,
                    "Thanks. Who sends the announcement email, us or you? And can we preview it?",
                    "",
                ),
                (
                    "member",
                    9 * 24 - 5,
                    "We prepare the text and send you a preview a week before; your team "
                    "sends it from your newsletter tool.",
                    "",
                ),
            ],
        ),
    ],
    "NWL-03": [
        (
            "Map tiles licence",
            [
                (
                    "client",
                    15 * 24,
                    "Procurement asks whether the map tiles licence is included in the "
                    "quote or comes on top.",
                    "",
                ),
                (
                    "pm",
                    14 * 24,
                    "It is included for up to 50,000 map views a month. Above that the "
                    "provider charges €0.50 per 1,000 views; you are at about 12,000 today.",
                    "",
                ),
            ],
        ),
        (
            "Dashboard refresh rate",
            [
                (
                    "client",
                    2 * 24,
                    "The dispatchers find the 5-minute refresh too slow during peak hours. "
                    "Could the vehicle positions update **every 30 seconds**?",
                    "",
                ),
            ],
        ),
    ],
    "NWL-04": [
        (
            "Kick-off agenda",
            [
                (
                    "pm",
                    6 * 24,
                    "Proposed agenda for Monday:\n\n1. Goals and scope\n2. Returns process "
                    "today\n3. Milestones and sign-offs\n4. Who decides what",
                    "",
                ),
                (
                    "client",
                    6 * 24 - 1,
                    "Looks good. Please add 15 minutes on the warehouse team's concerns.",
                    "",
                ),
                ("pm", 6 * 24 - 1.25, "Added as item 3. See you Monday!", ""),
            ],
        ),
    ],
    "HCM-01": [
        (
            "预约短信模板确认",
            [
                (
                    "client",
                    12 * 24,
                    "预约成功的短信模板需要医务处审核。请问模板里能否加上**就诊科室**和楼层？",
                    "",
                ),
                (
                    "member",
                    12 * 24 - 2,
                    "可以。新模板如下：\n\n> 【华晨医疗】您已预约{日期}{时间}{科室}（{楼层}），"
                    "请提前15分钟到达。\n\n审核通过后我们当天上线。",
                    "",
                ),
                ("client", 11 * 24, "医务处已审核通过，谢谢。", ""),
                ("member", 11 * 24 - 4, "已上线，今天下午开始使用新模板。", ""),
            ],
        ),
        (
            "上线时间安排",
            [
                (
                    "member",
                    8 * 24,
                    "张总，第一阶段计划下月初上线。上线当晚需要信息部派一位同事值守，"
                    "请问安排哪位？",
                    "",
                ),
                ("client", 7 * 24, "安排李工值守，他的电话是分机 8021。", ""),
                ("pm", 7 * 24 - 6, "收到，谢谢张总。我们会提前一周和李工对一遍上线步骤。", ""),
            ],
        ),
    ],
    "HCM-02": [
        (
            "检验报告 PDF 样式",
            [
                (
                    "client",
                    5 * 24,
                    "患者下载的检验报告需要加医院的电子印章，并且参考值一栏要加粗显示。",
                    "",
                ),
                (
                    "member",
                    5 * 24 - 2,
                    "好的。电子印章请提供高清图片（PNG，透明背景）；参考值加粗本周内完成。",
                    "",
                ),
            ],
        ),
    ],
}


def _pdf(title: str) -> bytes:
    """A one-page PDF with a title line, written by hand (no PDF library at runtime)."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tell_messages(organisation: Organisation) -> None:
    """Write the demo conversations on the organisation's published demo projects."""
    now = timezone.now()
    members = {
        membership.role: Actor.member(membership.user, organisation, membership.role)
        for membership in Membership.objects.filter(organisation=organisation).select_related(
            "user"
        )
    }
    team = {"pm": members[Role.PM], "member": members[Role.MEMBER]}
    for code, threads in STORIES.items():
        project = Project.objects.select_related("client").get(organisation=organisation, code=code)
        contact = Contact.objects.get(client=project.client, portal_access=True)
        assert contact.user is not None
        people = {**team, "client": Actor.contact(contact.user, frozenset({contact.pk}))}
        for subject, posts in threads:
            thread = None
            for who, hours_ago, text, filename in posts:
                files = [ContentFile(_pdf(subject), name=filename)] if filename else []
                at = now - timedelta(hours=hours_ago)
                if thread is None:
                    thread = messaging.thread_open(
                        actor=people[who],
                        project=project,
                        subject=subject,
                        body=text,
                        attachments=files,
                        at=at,
                    )
                else:
                    messaging.message_post(
                        actor=people[who], thread=thread, body=text, attachments=files, at=at
                    )
