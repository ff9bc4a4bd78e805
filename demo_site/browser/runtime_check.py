"""Runtime check page: pydantic and its wasm core load from the local runtime and validate data."""

import sys

import pydantic
import pydantic_core
from pyscript import document


class Probe(pydantic.BaseModel):
    """A camelCase wire document, as the SDK's models read them."""

    model_config = pydantic.ConfigDict(populate_by_name=True)
    has_access: bool = pydantic.Field(alias="hasAccess")


answer = document.getElementById("answer")
probe = Probe.model_validate({"hasAccess": True})
answer.textContent = (
    f"Python {sys.version.split()[0]} · pydantic {pydantic.VERSION} · "
    f"pydantic-core {pydantic_core.__version__} · has_access={probe.has_access}"
)
answer.dataset.state = "granted" if probe.has_access else "denied"
