// The admin pages' only script (copy buttons) and stylesheet, served from /static with a strict CSP.
export const ADMIN_JS = `document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.getElementById(button.getAttribute('data-copy'));
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent);
    button.textContent = 'Copied';
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    button.textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 2000);
});
`;

export const ADMIN_CSS = `:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0; }
header { display: flex; gap: 2rem; align-items: center; padding: .8rem 1.5rem; background: #1d2330; color: #fff; }
header a { color: #fff; text-decoration: none; margin-right: 1rem; }
.brand { font-weight: 700; }
nav { display: flex; align-items: center; gap: .5rem; }
main { padding: 1.5rem; max-width: 1200px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; font-size: .9rem; }
th { background: #eef0f4; }
pre { background: #fff; border: 1px solid #d5d9e0; padding: .8rem; overflow-x: auto; }
code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
form.stacked label { display: block; margin: .6rem 0 .2rem; font-weight: 600; }
form.stacked input[type=text], form.stacked input[type=password], form.stacked select { width: 28rem; max-width: 100%; padding: .35rem; }
form.inline { display: inline; }
button { padding: .35rem .8rem; cursor: pointer; }
.flash { padding: .6rem .8rem; border-radius: 4px; }
.flash.ok, .status-healthy, .status-succeeded, .ok { color: #11622c; }
.flash.ok { background: #e3f6e8; }
.flash.error { background: #fde8e8; color: #8a1c1c; }
.status-failing, .status-failed, .failed, .field-error { color: #b42318; }
.status-running, .status-never-run, .status-disabled { color: #6b7280; }
.status-degraded, .undelivered { color: #b54708; font-weight: 600; }
.field-error { font-size: .85rem; margin: .2rem 0; }
ol.steps li { margin-bottom: .5rem; }
.delivery-chart { margin: .5rem 0 1.5rem; background: #fff; padding: .6rem; border: 1px solid #e3e6eb; }
.delivery-chart svg { max-width: 100%; height: auto; }
.delivery-chart figcaption { font-size: .85rem; color: #4b5563; }
.chart-label { font-size: 12px; font-weight: 600; fill: #1d2330; }
.chart-scale { font-size: 10px; fill: #6b7280; }
.chart-axis { stroke: #d5d9e0; }
.chart-ok { fill: #2f7d4a; background: #2f7d4a; }
.chart-degraded { fill: #d97706; background: #d97706; }
.chart-failed { fill: #b42318; background: #b42318; }
.chart-running { fill: #6b7280; background: #6b7280; }
.chart-missing { fill: none; stroke: #9ca3af; stroke-dasharray: 3 2; background: #e5e7eb; }
.legend { display: inline-block; padding: 0 .4rem; color: #fff; border-radius: 3px; }
.legend.chart-missing { color: #374151; }
.scope { font-size: .85rem; color: #d1d5db; }
`;
