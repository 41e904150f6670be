from django.tasks import task

from rapport.mailin import services


@task(queue_name="email")
def process_inbound(*, inbound_id: int) -> str:
    return services.inbound_process(inbound_id=inbound_id).status
