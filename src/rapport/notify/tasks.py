from django.tasks import task

from rapport.notify import services


@task(queue_name="email")
def send_email(*, email_id: int) -> str:
    return services.email_deliver(email_id=email_id).status
