"""The knowledge-graph shapes, with the reference server's field names (`entityType`, `from`, ...).

Clients written for `@modelcontextprotocol/server-memory` send and expect these
exact keys, so the models keep its camelCase names on the wire.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Name = Annotated[str, Field(min_length=1, max_length=512)]


class Entity(BaseModel):
    name: Name = Field(description="The name of the entity")
    entityType: str = Field(max_length=512, description="The type of the entity")
    observations: list[str] = Field(description="An array of observation contents associated with the entity")


class Relation(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)

    from_: Name = Field(alias="from", description="The name of the entity where the relation starts")
    to: Name = Field(description="The name of the entity where the relation ends")
    relationType: str = Field(min_length=1, max_length=512, description="The type of the relation")


class ObservationAddition(BaseModel):
    entityName: Name = Field(description="The name of the entity to add the observations to")
    contents: list[str] = Field(description="An array of observation contents to add")


class ObservationDeletion(BaseModel):
    entityName: Name = Field(description="The name of the entity containing the observations")
    observations: list[str] = Field(description="An array of observations to delete")


class ObservationAdded(BaseModel):
    entityName: str
    addedObservations: list[str]


class Graph(BaseModel):
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)


class CreatedEntities(BaseModel):
    entities: list[Entity]


class CreatedRelations(BaseModel):
    relations: list[Relation]


class AddedObservations(BaseModel):
    results: list[ObservationAdded]


class Done(BaseModel):
    success: bool = True
    message: str
