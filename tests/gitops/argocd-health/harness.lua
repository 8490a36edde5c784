-- Runs an Argo CD health script the way Argo CD runs an argocd-cm check, as far as Lua can:
-- `obj` is the only global besides the base functions and the table and (safe) os libraries
-- that Argo CD opens; no string library, and no string methods (gopher-lua sets the string
-- metatable only with its string library). Usage: lua5.4 harness.lua SCRIPT < OBJECT
-- where OBJECT is the object as a Lua table constructor (run writes it from the fixture's
-- JSON). Prints "<status>\t<message>"; exits 1 when the script fails or returns no valid
-- health.
local script_path = arg[1]
local literal = io.read("a")
local object = assert(load("return " .. literal, "=object", "t", {}))()

local f = assert(io.open(script_path, "r"))
local source = f:read("a")
f:close()

local env = {
  obj = object,
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  print = print, rawequal = rawequal, rawget = rawget, rawset = rawset, select = select,
  setmetatable = setmetatable, getmetatable = getmetatable, tonumber = tonumber,
  tostring = tostring, type = type, xpcall = xpcall,
  table = table,
  os = { clock = os.clock, date = os.date, difftime = os.difftime, time = os.time },
}
env._G = env

local chunk, err = load(source, "=" .. script_path, "t", env)
if chunk == nil then
  io.stderr:write("harness: ", err, "\n")
  os.exit(1)
end

local string_meta = getmetatable("")
local string_index = string_meta.__index
string_meta.__index = nil
local ok, result = pcall(chunk)
string_meta.__index = string_index
if not ok then
  io.stderr:write("harness: the script failed: ", tostring(result), "\n")
  os.exit(1)
end

local valid = { Healthy = true, Progressing = true, Suspended = true, Degraded = true,
                Missing = true, Unknown = true }
if type(result) ~= "table" or not valid[result.status] then
  io.stderr:write("harness: the script returned no valid health status (Argo CD would show Unknown)\n")
  os.exit(1)
end
if type(result.message) ~= "string" then
  io.stderr:write("harness: the script returned no message\n")
  os.exit(1)
end
io.write(result.status, "\t", result.message, "\n")
