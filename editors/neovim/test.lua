-- Run by test.sh in a headless Neovim that has sourced ashlar.lua:
-- open a plan file with an error, wait for its diagnostic, fix it, wait for
-- it to clear. Exits 0 when all of that happened, 1 otherwise.

local file = vim.env.ASHLAR_TEST_FILE
local root = vim.env.ASHLAR_TEST_ROOT

local function say(text)
  io.stdout:write("nvim: " .. text .. "\n")
end

local function fail(text)
  say("FAILED: " .. text)
  vim.cmd("cquit 1")
end

local function code(d)
  if d.code then
    return d.code
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local function codes(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, tostring(code(d)))
  end
  return table.concat(out, ", ")
end

local function clients_of(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf })
  end
  return vim.lsp.buf_get_clients(buf)
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
if vim.bo[buf].filetype ~= "ashlar" then
  fail("the file type is '" .. vim.bo[buf].filetype .. "', not ashlar")
end
say("Neovim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. ", file type ashlar")

-- The server starts at the plan's root.
if not vim.wait(20000, function() return #vim.tbl_values(clients_of(buf)) > 0 end, 50) then
  fail("no language server attached")
end
local client = vim.tbl_values(clients_of(buf))[1]
if client.config.root_dir ~= root then
  fail("the server's root is " .. tostring(client.config.root_dir) .. ", not the plan's " .. root)
end
say("ashlar lsp attached at the plan's root")

-- The misspelt hub: ASH106, and nothing else.
if not vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50) then
  fail("no diagnostic came")
end
if codes(buf) ~= "ASH106" then
  fail("diagnostics " .. codes(buf) .. ", not ASH106 alone")
end
say("diagnostic " .. codes(buf) .. ": " .. vim.diagnostic.get(buf)[1].message:gsub("\n.*", ""))

-- Fixed: the diagnostic clears.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
for i, line in ipairs(lines) do
  lines[i] = line:gsub("= cor$", "= core")
end
vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
if not vim.wait(30000, function() return #vim.diagnostic.get(buf) == 0 end, 50) then
  fail("the diagnostic stayed after the fix: " .. codes(buf))
end
say("fixed: no diagnostic left")
vim.cmd("qall!")
