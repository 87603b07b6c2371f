"""One CloudFormation stack per jurisdiction: Chalice's own template plus ours, merged.

``python -m infra.package.build <jurisdiction>`` (``make package``) writes
``out/<jurisdiction>/template.json`` and ``out/<jurisdiction>/deployment.zip``.
"""
