"""Persistent entitlement store on Redis (redis-py asyncio), shared by several processes.

Key layout after docs/protocol.md §3.3 (`<prefix>` is the environment prefix):

- `<prefix>:c_<customer>[:r_<resource>]`            JSON map feature id → `FeatureEntitlement`
- `<customer key>:metadata`                          JSON `{"accessDeniedReason": ...}`
- `<customer key>:f_<feature>`                       JSON usage `{currentUsage, usagePeriod*, ...}`
- `<key>#timestamp` beside every value key            epoch ms of the message that wrote it

Every write runs in one Lua script that compares timestamps and sets value and timestamp
together, so concurrent writers in different processes can never replace a newer value with an
older one. Values expire after `ttl_s` seconds (a negative TTL means no expiry).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from stigg_client.server.store import (
    CustomerEntitlements,
    Json,
    Scope,
    UsageRecord,
    merge_usage,
    usage_timestamp,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

DEFAULT_TTL_S = 7 * 24 * 3600
TIMESTAMP_SUFFIX = "#timestamp"

# KEYS: value key, timestamp key, ... in pairs.
# ARGV: ttl, then per pair: value, timestamp, and a flag "1" when the write requires the
# customer key (KEYS guard passed as the last key) to exist.
_SET_IF_NEWER = """
local ttl = tonumber(ARGV[1])
local guard = KEYS[#KEYS]
local written = {}
local pairs_count = (#KEYS - 1) / 2
for i = 1, pairs_count do
  local value_key = KEYS[2 * i - 1]
  local stamp_key = KEYS[2 * i]
  local value = ARGV[3 * i - 1]
  local stamp = tonumber(ARGV[3 * i])
  local needs_guard = ARGV[3 * i + 1] == "1"
  local ok = true
  if needs_guard and redis.call("EXISTS", guard) == 0 then ok = false end
  if ok then
    local stored = redis.call("GET", stamp_key)
    if stored and tonumber(stored) > stamp then ok = false end
  end
  if ok then
    if ttl >= 0 then
      redis.call("SET", value_key, value, "EX", ttl)
      redis.call("SET", stamp_key, tostring(stamp), "EX", ttl)
    else
      redis.call("SET", value_key, value)
      redis.call("SET", stamp_key, tostring(stamp))
    end
    written[i] = 1
  else
    written[i] = 0
  end
end
return written
"""


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


class RedisEntitlementsStore:
    """`EntitlementsStore` on Redis; build it with a URL or an existing `redis.asyncio.Redis`."""

    persistent = True

    def __init__(
        self,
        redis: Redis | None = None,
        *,
        url: str | None = None,
        environment_prefix: str,
        ttl_s: int = DEFAULT_TTL_S,
    ) -> None:
        if not environment_prefix:
            raise ValueError("environment_prefix is required")
        if redis is None:
            if url is None:
                raise ValueError("pass a redis client or a url")
            from redis.asyncio import Redis as RedisClient

            redis = RedisClient.from_url(url, decode_responses=True)
        self.redis: Redis = redis
        self.prefix = environment_prefix
        self.ttl_s = ttl_s
        self._script = self.redis.register_script(_SET_IF_NEWER)

    def customer_key(self, scope: Scope) -> str:
        """`<prefix>:c_<customer>[:r_<resource>]`."""
        customer_id, resource_id = scope
        key = f"{self.prefix}:c_{customer_id}"
        return f"{key}:r_{resource_id}" if resource_id is not None else key

    def usage_key(self, scope: Scope, feature_id: str) -> str:
        """`<customer key>:f_<feature>`."""
        return f"{self.customer_key(scope)}:f_{feature_id}"

    async def _write(self, guard: str, writes: list[tuple[str, str, int, bool]]) -> list[bool]:
        keys: list[str] = []
        args: list[Any] = [self.ttl_s]
        for key, value, stamp, needs_guard in writes:
            keys += [key, key + TIMESTAMP_SUFFIX]
            args += [value, stamp, "1" if needs_guard else "0"]
        result = await self._script(keys=[*keys, guard], args=args)
        return [bool(int(flag)) for flag in result]

    async def get(self, scope: Scope) -> CustomerEntitlements | None:
        """The scope's entitlements with usage merged, or None on a miss."""
        key = self.customer_key(scope)
        raw_map, raw_stamp, raw_meta = await self.redis.mget(
            key, key + TIMESTAMP_SUFFIX, key + ":metadata"
        )
        if raw_map is None:
            return None
        entitlements: dict[str, Json] = json.loads(raw_map)
        metadata: Json = json.loads(raw_meta) if raw_meta else {}
        features = list(entitlements)
        usages: list[Any] = (
            await self.redis.mget([self.usage_key(scope, f) for f in features]) if features else []
        )
        merged = {
            feature_id: merge_usage(
                raw, UsageRecord.from_json(json.loads(usage)) if usage else None
            )
            for (feature_id, raw), usage in zip(entitlements.items(), usages, strict=True)
        }
        return CustomerEntitlements(merged, metadata.get("accessDeniedReason"), int(raw_stamp or 0))

    async def set_customer(
        self,
        scope: Scope,
        entitlements: list[Json],
        access_denied_reason: str | None,
        timestamp_ms: int,
    ) -> bool:
        """Store a snapshot unless a newer one is stored; True when it was written."""
        key = self.customer_key(scope)
        by_feature = {str((e.get("feature") or {}).get("refId") or ""): e for e in entitlements}
        metadata = json.dumps({"accessDeniedReason": access_denied_reason})
        written = await self._write(
            key,
            [
                (key, json.dumps(by_feature), timestamp_ms, False),
                (key + ":metadata", metadata, timestamp_ms, False),
            ],
        )
        if not written[0]:
            return False
        usage_writes = [
            (
                self.usage_key(scope, feature_id),
                json.dumps(UsageRecord.from_json(raw).to_json()),
                usage_timestamp(raw, timestamp_ms),
                True,
            )
            for feature_id, raw in by_feature.items()
        ]
        if usage_writes:
            await self._write(key, usage_writes)
        return True

    async def update_usage(
        self, scope: Scope, feature_id: str, usage: UsageRecord, timestamp_ms: int
    ) -> bool:
        """Store one feature's usage unless newer usage is stored or the scope is not cached."""
        key = self.customer_key(scope)
        written = await self._write(
            key,
            [(self.usage_key(scope, feature_id), json.dumps(usage.to_json()), timestamp_ms, True)],
        )
        return written[0]

    async def purge(self, scope: Scope) -> None:
        """Forget one scope (its map, metadata, usage and timestamps)."""
        key = self.customer_key(scope)
        doomed = [key, key + TIMESTAMP_SUFFIX, key + ":metadata", key + ":metadata#timestamp"]
        async for found in self.redis.scan_iter(match=_glob_escape(key) + ":f_*"):
            doomed.append(found)
        await self.redis.delete(*doomed)

    async def clear(self) -> None:
        """Delete every key under the environment prefix."""
        batch: list[Any] = []
        async for found in self.redis.scan_iter(match=_glob_escape(self.prefix) + ":*"):
            batch.append(found)
            if len(batch) >= 500:
                await self.redis.delete(*batch)
                batch = []
        if batch:
            await self.redis.delete(*batch)

    async def close(self) -> None:
        """Close the Redis connection pool."""
        await self.redis.aclose()
