"""Render the example chart with its Profile, as the Edge Orchestrator would.

Run: .venv/bin/python examples/render_api.py
"""

from pathlib import Path

from profile_render import DeploymentContext, ImageRegistry, Secret, render

HERE = Path(__file__).resolve().parent

context = DeploymentContext(
    app_name="hello-world",
    app_version="1.0.0",
    deployment_name="deployment-abc12",
    namespace="apps",
    org="acme",
    project="edge",
)
registry = ImageRegistry(
    name="harbor-docker-oci",
    root_url="oci://registry-oci.example.com/catalog-apps-acme-edge",
    username="robot$acme",
    password=Secret("example-token"),  # in real use: read from a file or a secret store
)
result = render(HERE / "hello-chart", HERE / "profile-values.yaml", context=context, registry=registry)

print("secret name:", result.secret_name)
print("image:", result.values["image"])
print("imagePullSecrets:", result.values["imagePullSecrets"])
print("image.repository comes from", result.origin("image.repository"))
print(result.to_yaml(masked=True), end="")
