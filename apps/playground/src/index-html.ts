/**
 * The page shell: the browser app mounts into `#app`.
 */

/** The HTML of the playground page. */
export function renderIndexHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ratatoskr playground</title>
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="app"><p class="loading">Loading the Ratatoskr playground…</p></div>
<script type="module" src="/assets/app.js"></script>
</body>
</html>
`;
}
