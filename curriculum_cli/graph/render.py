"""One pure function per output format of the concept graph."""

from __future__ import annotations

import json
from collections.abc import Callable

from curriculum_cli.graph.model import Edge, Graph, Node


def render_json(graph: Graph) -> str:
    return json.dumps(graph.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _label(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _edge_label(edge: Edge) -> str:
    return f"{_label(edge.concept)} ({edge.depth})" if edge.depth else _label(edge.concept)


def render_mermaid(graph: Graph) -> str:
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}

    def quoted(text: str) -> str:
        return '"' + text.replace('"', "#quot;") + '"'

    lines = ["flowchart LR"]
    by_module: dict[str | None, list[Node]] = {}
    for node in graph.nodes:
        by_module.setdefault(None if node.missing else node.module_id, []).append(node)
    for module_id, nodes in by_module.items():
        if module_id is not None:
            title = graph.modules.get(module_id, "")
            lines.append(f"  subgraph m{module_id.replace('.', '_')}[{quoted(f'{module_id} {title}'.strip())}]")
        for node in nodes:
            label = f"{node.slug}" + (f" ({node.type})" if node.type else "") + (" MISSING" if node.missing else "")
            lines.append(f"    {ids[node.id]}[{quoted(label)}]")
        if module_id is not None:
            lines.append("  end")
    broken: list[int] = []
    gaps: list[int] = []
    for index, edge in enumerate(graph.edges):
        arrow = "-.->" if edge.status != "ok" else "-->"
        lines.append(f"  {ids[edge.source]} {arrow}|{quoted(_edge_label(edge))}| {ids[edge.target]}")
        (broken if edge.status == "broken" else gaps if edge.status == "gap" else []).append(index)
    if broken:
        lines.append(f"  linkStyle {','.join(map(str, broken))} stroke:#d62728,stroke-width:2px")
    if gaps:
        lines.append(f"  linkStyle {','.join(map(str, gaps))} stroke:#ff7f0e,stroke-width:2px")
    lines.append("  classDef stretch fill:#fde2e2;")
    lines.append("  classDef missing fill:#ffffff,stroke:#d62728,stroke-dasharray:4;")
    stretch = [ids[n.id] for n in graph.nodes if n.type == "STRETCH"]
    missing = [ids[n.id] for n in graph.nodes if n.missing]
    if stretch:
        lines.append(f"  class {','.join(stretch)} stretch")
    if missing:
        lines.append(f"  class {','.join(missing)} missing")
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(graph: Graph) -> str:
    lines = ["digraph curriculum {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor="#f5f5f5"];']
    by_module: dict[str | None, list[Node]] = {}
    for node in graph.nodes:
        by_module.setdefault(None if node.missing else node.module_id, []).append(node)
    for module_id, nodes in by_module.items():
        indent = "  "
        if module_id is not None:
            title = graph.modules.get(module_id, "")
            lines.append(f"  subgraph {_dot_string('cluster_' + module_id)} {{")
            lines.append(f"    label={_dot_string(f'{module_id} {title}'.strip())};")
            indent = "    "
        for node in nodes:
            attrs = [f"label={_dot_string(node.slug + (chr(10) + node.type if node.type else ''))}"]
            if node.missing:
                attrs += ['color="#d62728"', 'style="dashed"', 'fillcolor="white"']
            elif node.type == "STRETCH":
                attrs.append('fillcolor="#fde2e2"')
            lines.append(f"{indent}{_dot_string(node.id)} [{', '.join(attrs)}];")
        if module_id is not None:
            lines.append("  }")
    for edge in graph.edges:
        attrs = [f"label={_dot_string(_edge_label(edge))}"]
        if edge.status == "broken":
            attrs += ['color="#d62728"', 'fontcolor="#d62728"', "style=dashed", 'penwidth=2']
        elif edge.status == "gap":
            attrs += ['color="#ff7f0e"', "style=dashed"]
        lines.append(f"  {_dot_string(edge.source)} -> {_dot_string(edge.target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Curriculum concept graph</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#222;display:flex;flex-direction:column;height:100vh}
header{padding:8px 16px;border-bottom:1px solid #ddd;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
header h1{font-size:16px;margin:0 12px 0 0}
main{flex:1;display:flex;min-height:0}
#list{width:340px;overflow:auto;border-right:1px solid #ddd;padding:4px 0}
#detail{flex:1;overflow:auto;padding:12px 20px}
.mod{font-weight:600;padding:6px 12px;background:#f3f3f3;position:sticky;top:0}
.lesson{padding:3px 12px 3px 20px;cursor:pointer;display:flex;justify-content:space-between;gap:8px}
.lesson:hover{background:#eef4ff}.lesson.sel{background:#dbe7ff}
.tag{font-size:11px;padding:0 5px;border-radius:3px;background:#eee;color:#555}
.STRETCH{background:#fde2e2}.BUILD{background:#e3f1e3}.CONSOLIDATE{background:#e6ecf8}
.bad{color:#d62728;font-weight:600}.gap{color:#c25e00}
table{border-collapse:collapse;width:100%;margin:6px 0 18px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
tr.broken td{background:#fff0f0}tr.gap td{background:#fff6e8}
a{color:#1f5fbf;cursor:pointer}
.count{color:#777;font-size:12px}
</style></head><body>
<header><h1>Concept graph</h1>
<label>Module <select id="module"><option value="">all modules</option></select></label>
<label>Find <input id="find" placeholder="lesson slug"></label>
<label><input type="checkbox" id="onlybroken"> only lessons with broken traces</label>
<span id="summary" class="count"></span></header>
<main><nav id="list"></nav><section id="detail"><p>Select a lesson to see what it relies on and what relies on it.</p></section></main>
<script id="data" type="application/json">__DATA__</script>
<script>
(function(){
var data=JSON.parse(document.getElementById('data').textContent);
var byId={},incoming={},outgoing={};
data.nodes.forEach(function(n){byId[n.id]=n;incoming[n.id]=[];outgoing[n.id]=[];});
data.edges.forEach(function(e){incoming[e.target].push(e);outgoing[e.source].push(e);});
var titles={};data.modules.forEach(function(m){titles[m.id]=m.title;});
var sel=document.getElementById('module'),find=document.getElementById('find'),only=document.getElementById('onlybroken');
data.modules.forEach(function(m){var o=document.createElement('option');o.value=m.id;o.textContent=m.id+' '+m.title;sel.appendChild(o);});
var broken=data.edges.filter(function(e){return e.status==='broken';}).length;
document.getElementById('summary').textContent=data.nodes.filter(function(n){return !n.missing;}).length+' lessons, '+data.edges.length+' edges, '+broken+' broken';
function esc(s){return String(s==null?'':s).replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c];});}
function bad(id){return incoming[id].some(function(e){return e.status==='broken';});}
var current=null;
function list(){
  var nav=document.getElementById('list'),html='',last=null,q=find.value.trim().toLowerCase();
  data.nodes.forEach(function(n){
    if(n.missing)return;
    if(sel.value&&n.module_id!==sel.value)return;
    if(q&&n.slug.toLowerCase().indexOf(q)<0)return;
    if(only.checked&&!bad(n.id))return;
    if(n.module_id!==last){last=n.module_id;html+='<div class="mod">'+esc(n.module_id||'no module')+' '+esc(titles[n.module_id]||'')+'</div>';}
    html+='<div class="lesson'+(n.id===current?' sel':'')+'" data-id="'+esc(n.id)+'"><span>'+(n.number!=null?n.number+'. ':'')+esc(n.slug)+(bad(n.id)?' <span class="bad">!</span>':'')+'</span><span class="tag '+esc(n.type||'')+'">'+esc(n.type||'')+'</span></div>';
  });
  nav.innerHTML=html||'<p style="padding:12px">No lesson matches.</p>';
}
function rows(edges,other){
  if(!edges.length)return '<p class="count">none</p>';
  return '<table><tr><th>'+(other==='source'?'Taught in':'Lesson')+'</th><th>Concept</th><th>Depth</th><th>Kind</th><th>Status</th></tr>'+edges.map(function(e){
    var n=byId[e[other]];
    var st=e.status==='broken'?'<span class="bad">broken: '+esc(e.problem)+'</span>':e.status==='gap'?'<span class="gap">gap</span>':'ok';
    return '<tr class="'+e.status+'"><td><a data-id="'+esc(n.id)+'">'+esc(n.slug)+'</a>'+(n.missing?' (missing)':' <span class="count">'+esc(n.module_id||'')+'</span>')+'</td><td>'+esc(e.concept)+'</td><td>'+esc(e.depth)+'</td><td>'+esc(e.kind)+(e.line?' <span class="count">line '+e.line+'</span>':'')+'</td><td>'+st+'</td></tr>';
  }).join('')+'</table>';
}
function show(id){
  current=id;var n=byId[id];list();
  if(history.replaceState)history.replaceState(null,'','#'+encodeURIComponent(id));
  document.getElementById('detail').innerHTML='<h2>'+esc(n.slug)+' <span class="tag '+esc(n.type||'')+'">'+esc(n.type||'')+'</span></h2>'+
    '<p class="count">Module '+esc(n.module_id||'?')+', lesson '+esc(n.number==null?'?':n.number)+', status '+esc(n.status)+(n.planned?'':', no planning doc')+'</p>'+
    '<h3>Relies on ('+incoming[id].length+')</h3>'+rows(incoming[id],'source')+
    '<h3>Relied on by ('+outgoing[id].length+')</h3>'+rows(outgoing[id],'target');
}
document.addEventListener('click',function(ev){var t=ev.target.closest('[data-id]');if(t)show(t.getAttribute('data-id'));});
[sel,find,only].forEach(function(el){el.addEventListener('input',list);});
list();
var start=decodeURIComponent(location.hash.slice(1));if(byId[start])show(start);
})();
</script></body></html>
"""


def render_html(graph: Graph) -> str:
    """One self-contained page (inline CSS/JS, no network): module filter, search, click for details."""
    data = json.dumps(graph.to_dict(), ensure_ascii=False).replace("</", "<\\/")
    return _HTML.replace("__DATA__", data)


FORMATS: dict[str, Callable[[Graph], str]] = {
    "json": render_json,
    "mermaid": render_mermaid,
    "dot": render_dot,
    "html": render_html,
}


def render(graph: Graph, fmt: str) -> str:
    """Render ``graph`` as ``json``, ``mermaid``, ``dot`` or ``html`` (ValueError for another format)."""
    try:
        return FORMATS[fmt.lower()](graph)
    except KeyError:
        raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
