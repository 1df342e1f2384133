"""The public portfolio's pages: open to everyone, logged in or not."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnership.footer import page_about

from . import portfolio


@login_not_required
@require_GET
def investment_list(request):
    page_about(request)  # every partnership's investments: the footer names the region's SIM work
    return render(request, "portfolio/list.html", {"portfolio": portfolio.portfolio_page(params=request.GET)})


@login_not_required
@require_GET
def investment_detail(request, pk: int):
    application = portfolio.investment(pk)
    # Drafts and undecided applications are not public: their pages do not exist.
    if application is None or not request.user.has_perm("applications.view_public_investment", application):
        raise Http404
    page_about(request, application.call.partnership)
    return render(request, "portfolio/detail.html", {"investment": application})
