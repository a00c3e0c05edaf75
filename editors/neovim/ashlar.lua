-- ashlar in Neovim 0.7 and newer (Debian stable's 0.7.2, 0.9, 0.11+), with no
-- plugin: the `ashlar` file type for *.ashlar, and `ashlar lsp` started at the
-- plan's root for each file of that type.
--
-- Put this file in ~/.config/nvim/plugin/ (or `dofile` it from init.lua).
-- `vim.g.ashlar_cmd` overrides the command, e.g. { "/opt/ashlar/bin/ashlar", "lsp" }.

local uv = vim.uv or vim.loop

-- The file type. `vim.filetype.add` reads it on 0.8 and newer; 0.7 reads
-- filetype.lua only with `do_filetype_lua`, so the autocommand below says it
-- there (and is harmless where the other did).
if vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { ashlar = "ashlar" } })
end
local group = vim.api.nvim_create_augroup("ashlar", { clear = true })
vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  group = group,
  pattern = "*.ashlar",
  command = "setfiletype ashlar",
})

-- A plan's root, as ashlar draws it: the nearest folder, from the file's own
-- up, that holds ashlar.toml or ashlar.lock; else the file's own folder.
local function plan_root(file)
  local own = vim.fn.fnamemodify(file, ":p:h")
  local dir = own
  while true do
    for _, marker in ipairs({ "ashlar.toml", "ashlar.lock" }) do
      local stat = uv.fs_stat(dir .. "/" .. marker)
      if stat and stat.type == "file" then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return own
    end
    dir = parent
  end
end

-- One client per plan root. `vim.lsp.start` (0.8+) reuses a client of the
-- same name and root; on 0.7 the clients are kept here.
local clients = {}
local function start(buf)
  local file = vim.api.nvim_buf_get_name(buf)
  if file == "" then
    return
  end
  local root = plan_root(file)
  local config = {
    name = "ashlar",
    cmd = vim.g.ashlar_cmd or { "ashlar", "lsp" },
    root_dir = root,
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

vim.api.nvim_create_autocmd("FileType", {
  group = group,
  pattern = "ashlar",
  callback = function(args)
    vim.bo[args.buf].commentstring = "// %s"
    start(args.buf)
  end,
})

-- Format on save through the server (what `ashlar fmt` does).
vim.api.nvim_create_autocmd("BufWritePre", {
  group = group,
  pattern = "*.ashlar",
  callback = function(args)
    if vim.lsp.buf.format then
      vim.lsp.buf.format({ bufnr = args.buf, name = "ashlar" })
    else
      vim.lsp.buf.formatting_sync(nil, 2000)
    end
  end,
})
