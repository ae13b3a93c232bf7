"""The use cases: what each command does, as functions a program can call and that return
typed results (the command line only parses arguments and reports what they return).

=====================  ===========================================================
module                 use cases
=====================  ===========================================================
``app.workspace``      :class:`Workspace`, ``validate_repository``, ``write_checked``
``app.plan``           ``plan_repository``, ``rollback_plan``, ``apply_reviewed``
``app.docs``           ``docs_project`` (the site's files), ``build_docs``
``app.strategy``       ``allocate_organisation``, ``evaluate_scenario``
``app.health``         ``assess_health``, ``plan_recovery``, ``write_recovery``
``app.projects``       ``project_status``, ``new_queue``, ``new_project``, spreadsheets
``app.git``            ``git_commit``, ``actor``
=====================  ===========================================================

Above every stage: it may import all of them; only :mod:`qplan.cli` imports it.
"""
