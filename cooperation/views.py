from django.http import HttpResponse


def home(request):
    return HttpResponse("ok")


region_detail = organization_detail = person_detail = delegation_detail = home
event_detail = agreement_detail = industry_detail = topic_detail = source_detail = home
