-- Argo CD health check for compose.operator.dev/ComposeStack.
--
-- Argo CD gives a custom resource no health unless a Lua check exists for its kind (a
-- failing stack would show green), so we ship this one; gitops/argocd/README.md says how to
-- register it. The order is the one in ../shared/docs/operator-conventions.md §2 ("Lua check
-- we ship"), first match wins:
--   1. metadata.generation > status.observedGeneration -> Progressing
--   2. Stalled=True                                     -> Degraded
--   3. Reconciling=True, or Ready=Unknown               -> Progressing
--   4. Ready=True                                       -> Healthy
--   5. Ready=False with reason Suspended                -> Suspended (what the operator
--      writes while spec.suspend is true: a paused stack is not a broken one)
--   6. Ready=False                                      -> Degraded
--   7. spec.suspend                                     -> Suspended
--   8. no status (or no Ready condition yet)            -> Progressing
-- The message is the deciding condition's message (its reason when the message is empty).
-- Argo CD itself answers Progressing for an object being deleted, before any Lua runs.
--
-- Argo CD runs argocd-cm checks without Lua's standard libraries (no string library, not even
-- string methods), on gopher-lua (Lua 5.1): this file uses only the base library and `..`.
-- tests/gitops/argocd-health/run runs it in such a sandbox over fixture objects.

local hs = {}

local function find_condition(conditions, condition_type)
  if conditions == nil then
    return nil
  end
  for _, condition in ipairs(conditions) do
    if condition.type == condition_type then
      return condition
    end
  end
  return nil
end

local function condition_message(condition)
  if condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  if condition.reason ~= nil and condition.reason ~= "" then
    return condition.reason
  end
  return condition.type .. " is " .. condition.status
end

local function decide(health, condition)
  hs.status = health
  hs.message = condition_message(condition)
  return hs
end

local metadata = obj.metadata or {}
local status = obj.status
local spec = obj.spec or {}

-- 1. The operator has not seen the latest spec yet: whatever the conditions say is stale.
if status ~= nil and status.observedGeneration ~= nil and metadata.generation ~= nil
    and metadata.generation > status.observedGeneration then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. metadata.generation
    .. " (status describes generation " .. status.observedGeneration .. ")"
  return hs
end

local conditions = nil
if status ~= nil then
  conditions = status.conditions
end
local stalled = find_condition(conditions, "Stalled")
local reconciling = find_condition(conditions, "Reconciling")
local ready = find_condition(conditions, "Ready")

-- 2. The stack cannot progress without the user.
if stalled ~= nil and stalled.status == "True" then
  return decide("Degraded", stalled)
end

-- 3. The operator is working on it (a retry included).
if reconciling ~= nil and reconciling.status == "True" then
  return decide("Progressing", reconciling)
end
if ready ~= nil and ready.status == "Unknown" then
  return decide("Progressing", ready)
end

-- 4. to 6. The summary condition.
if ready ~= nil and ready.status == "True" then
  return decide("Healthy", ready)
end
if ready ~= nil and ready.status == "False" and ready.reason == "Suspended" then
  return decide("Suspended", ready)
end
if ready ~= nil and ready.status == "False" then
  return decide("Degraded", ready)
end

-- 7. Suspended, and nothing above says more.
if spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "Reconciliation is suspended (spec.suspend is true)"
  return hs
end

-- 8. The operator has not reported yet.
hs.status = "Progressing"
if status == nil then
  hs.message = "Waiting for the operator to report the stack's status"
else
  hs.message = "Waiting for the operator to set the Ready condition"
end
return hs
