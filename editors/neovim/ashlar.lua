-- ashlar in Neovim (0.11 or newer): the file type, and `ashlar lsp` for it.
-- Put this file in ~/.config/nvim/plugin/ (or require it from init.lua).

vim.filetype.add({ extension = { ashlar = "ashlar" } })

vim.lsp.config("ashlar", {
  cmd = { "ashlar", "lsp" },
  filetypes = { "ashlar" },
  -- The plan is the folder: the one with ashlar.lock, else the repository.
  root_markers = { "ashlar.lock", ".git" },
})
vim.lsp.enable("ashlar")

-- Comments for `gc`, and format on save through the server (`ashlar fmt`).
vim.api.nvim_create_autocmd("FileType", {
  pattern = "ashlar",
  callback = function(args)
    vim.bo[args.buf].commentstring = "// %s"
  end,
})
vim.api.nvim_create_autocmd("BufWritePre", {
  pattern = "*.ashlar",
  callback = function(args)
    vim.lsp.buf.format({ bufnr = args.buf, name = "ashlar" })
  end,
})
