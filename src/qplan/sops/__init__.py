"""*sops*: the SOP templates rendered with the organisation's data, a stage of its own
before ``capacity`` and ``check``: its typed result (:class:`RenderedSops`) is handed to
whatever needs the SOPs' text (the plan's SOP resources, the docs site, ``docs render``)."""
