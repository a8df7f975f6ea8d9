// taclog dashboard. Every string that comes from the database is hostile (LLM and tool output): it reaches the
// page only as a text node or an attribute value set through the DOM, never as HTML. Links are built from fixed
// paths and encodeURIComponent; a URL from a transcript becomes a link only when it is http(s).
'use strict';

(function () {
  const main = document.getElementById('main');
  if (!main) {
    return;
  }
  const page = main.dataset.page;
  const params = new URLSearchParams(location.search);

  // --- DOM helpers ---------------------------------------------------------------------------------------------

  /** An element with attributes (class, id, href, title, type, value, ...) and children (nodes or text). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) {
          continue;
        }
        if (k === 'class') {
          e.className = v;
        } else if (k === 'dataset') {
          Object.assign(e.dataset, v);
        } else if (k === 'onclick' || k === 'onchange' || k === 'onsubmit' || k === 'oninput') {
          e.addEventListener(k.substring(2), v);
        } else if (k === 'href') {
          e.setAttribute('href', safeHref(v));
        } else {
          e.setAttribute(k, v === true ? '' : String(v));
        }
      }
    }
    append(e, children);
    return e;
  }

  function append(parent, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) {
        continue;
      }
      if (Array.isArray(c)) {
        append(parent, c);
      } else if (c instanceof Node) {
        parent.appendChild(c);
      } else {
        parent.appendChild(document.createTextNode(String(c)));
      }
    }
  }

  /** Only our own paths, fragments and http(s) URLs are links; anything else (javascript:, data:) is refused. */
  function safeHref(v) {
    const s = String(v);
    if (s.startsWith('/') && !s.startsWith('//')) {
      return s;
    }
    if (s.startsWith('#') || s.startsWith('?')) {
      return s;
    }
    if (/^https?:\/\/[^\s]+$/i.test(s)) {
      return s;
    }
    return '#';
  }

  /** A link to an outside URL from the data, or its text when it is no http(s) URL. */
  function outLink(url, label) {
    if (typeof url === 'string' && /^https?:\/\/[^\s]+$/i.test(url)) {
      return el('a', {href: url, rel: 'noopener noreferrer nofollow', target: '_blank'}, label || url);
    }
    return label || url || '';
  }

  function path(p, query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query || {})) {
      if (v !== null && v !== undefined && v !== '') {
        q.set(k, v);
      }
    }
    const s = q.toString();
    return s ? p + '?' + s : p;
  }

  function taskLink(id) {
    return id ? el('a', {href: path('/task', {id: id}), class: 'id'}, id) : el('span', {class: 'muted'}, '(unassigned)');
  }

  function workerLink(id, at) {
    return el('a', {href: path('/worker', {id: id, at: at}), class: 'id'}, id);
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function section(title, ...children) {
    return el('section', {class: 'card'}, el('h2', null, title), children);
  }

  /** A table of rows: columns are [header, value(row) -> node|text, class]. */
  function table(columns, rows, rowAttrs) {
    const head = el('tr', null, columns.map((c) => el('th', {class: c[2] || null}, c[0])));
    const body = rows.map((r) => el('tr', rowAttrs ? rowAttrs(r) : null,
        columns.map((c) => el('td', {class: c[2] || null}, c[1](r)))));
    return el('div', {class: 'table-wrap'}, el('table', null, el('thead', null, head), el('tbody', null, body)));
  }

  function empty(text) {
    return el('p', {class: 'muted'}, text);
  }

  // --- formats -------------------------------------------------------------------------------------------------

  const nf = new Intl.NumberFormat('en-US');

  function int(v) {
    return v === null || v === undefined ? '–' : nf.format(v);
  }

  function usd(v) {
    if (v === null || v === undefined) {
      return '–';
    }
    return '$' + Number(v).toFixed(4);
  }

  function ms(v) {
    if (v === null || v === undefined) {
      return '–';
    }
    return v >= 1000 ? (v / 1000).toFixed(1) + ' s' : Math.round(v) + ' ms';
  }

  function num(v, digits) {
    return v === null || v === undefined ? '–' : Number(v).toFixed(digits);
  }

  function time(iso) {
    if (!iso) {
      return '–';
    }
    return String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  /** A time with its source when it is not recorded by its producer (estimated or observed). */
  function timeWithSource(iso, source) {
    const t = el('span', {class: 'time'}, time(iso));
    if (source && source !== 'recorded') {
      return el('span', null, t, ' ', el('span', {class: 'badge src-' + cls(source), title: 'time ' + source}, source));
    }
    return t;
  }

  function cls(s) {
    return String(s || '').toLowerCase().replace(/[^a-z0-9_-]/g, '');
  }

  function badge(text, kind) {
    return el('span', {class: 'badge ' + cls(kind || text)}, text);
  }

  function basis(b) {
    return el('span', {class: 'badge basis-' + cls(b), title: b === 'reported' ? 'cost the agent reported'
        : b === 'mixed' ? 'reported where the agent reports it, price-table estimate elsewhere'
        : 'price-table estimate'}, b);
  }

  /** Calls of unpriced models, flagged; {@code label} adds the word where the number stands alone. */
  function unpriced(n, label) {
    return n > 0 ? el('span', {class: 'badge warn', title: 'calls of models without a price: their cost is unknown, '
        + 'not $0'}, int(n) + ' unpriced') : label ? 'no unpriced calls' : '0';
  }

  // --- data and live updates ------------------------------------------------------------------------------------

  async function getJson(url) {
    const r = await fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}});
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      body = null;
    }
    if (!r.ok) {
      throw new Error((body && body.error) || ('HTTP ' + r.status));
    }
    return body;
  }

  function showError(target, e) {
    clear(target);
    target.appendChild(el('p', {class: 'problem'}, String(e && e.message ? e.message : e)));
  }

  const liveBadge = document.getElementById('live');
  let refresher = null;
  let refreshing = false;
  let again = false;
  let lastRefresh = 0;
  let lastDuration = 0;

  function setLive(state, title) {
    if (liveBadge) {
      liveBadge.textContent = state;
      liveBadge.className = 'live ' + cls(state);
      liveBadge.title = title || '';
    }
  }

  /** Runs the page's refresh at most one at a time; a change during a refresh runs it once more after. */
  async function refresh() {
    if (!refresher) {
      return;
    }
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      lastRefresh = Date.now();
      await refresher();
      lastDuration = Date.now() - lastRefresh;
      if (liveBadge && liveBadge.textContent === 'error') {
        setLive('live', 'updates as the database changes');
      }
    } catch (e) {
      setLive('error', String(e && e.message ? e.message : e));
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        setTimeout(refresh, Math.max(0, 300 - (Date.now() - lastRefresh)));
      }
    }
  }

  // A page refreshes at most this often on live changes: the viewer at once (a new call is on the page well within
  // 2 s), the pages of aggregates every 1.5 s, so that a sidecar committing every 200 ms is not answered with a
  // report per commit (the reads would compete with the writer for the CPU).
  const minGap = page === 'worker' ? 200 : 1500;
  let pending = null;

  function requestRefresh() {
    if (pending) {
      return;
    }
    // a page that took long to answer (a year of cost) is asked again only after ten times as long: an open page
    // never keeps the server busy for more than a tenth of its time
    const wait = Math.max(0, lastRefresh + Math.max(minGap, 10 * lastDuration) - Date.now());
    pending = setTimeout(() => {
      pending = null;
      refresh();
    }, wait);
  }

  let everConnected = false;

  function connectLive() {
    if (!window.EventSource) {
      setLive('polling');
      setInterval(requestRefresh, 2000);
      return;
    }
    const source = new EventSource('/api/live');
    source.addEventListener('hello', () => {
      setLive('live', 'updates as the database changes');
      if (everConnected) {
        requestRefresh(); // reconnected: what changed meanwhile was not announced
      }
      everConnected = true;
    });
    source.addEventListener('change', () => requestRefresh());
    source.onerror = () => setLive('reconnecting', 'the dashboard server is not reachable; retrying');
  }

  // --- date range picker ----------------------------------------------------------------------------------------

  function rangePicker(from, until, onApply) {
    const f = el('input', {type: 'date', value: from || '', 'aria-label': 'from', id: 'range-from'});
    const u = el('input', {type: 'date', value: until || '', 'aria-label': 'until', id: 'range-until'});
    const apply = () => onApply(f.value, u.value);
    const quick = (days) => el('button', {type: 'button', onclick: () => {
      const end = u.value ? new Date(u.value + 'T00:00:00Z') : new Date();
      const start = new Date(end.getTime() - (days - 1) * 86400000);
      f.value = start.toISOString().substring(0, 10);
      u.value = end.toISOString().substring(0, 10);
      apply();
    }}, days + ' d');
    return el('form', {class: 'range', onsubmit: (ev) => {
      ev.preventDefault();
      apply();
    }}, el('label', null, 'from ', f), el('label', null, 'until ', u),
    el('button', {type: 'submit', id: 'range-apply'}, 'Apply'), quick(1), quick(7), quick(30), quick(90));
  }

  function setQuery(updates) {
    const q = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(updates)) {
      if (v === null || v === undefined || v === '') {
        q.delete(k);
      } else {
        q.set(k, v);
      }
    }
    const s = q.toString();
    history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
  }

  // --- charts ---------------------------------------------------------------------------------------------------

  const charts = {};

  /** A chart in a fixed box; tooltips are drawn on the canvas (richText), never as HTML. */
  function chart(id, option) {
    let box = document.getElementById(id);
    if (!box) {
      box = el('div', {id: id, class: 'chart'});
    }
    if (!window.echarts) {
      return box;
    }
    requestAnimationFrame(() => {
      let c = charts[id];
      if (!c || c.getDom() !== box) {
        if (c) {
          c.dispose();
        }
        c = window.echarts.init(box, null, {renderer: 'canvas'});
        charts[id] = c;
      }
      option.animation = false;
      option.tooltip = Object.assign({renderMode: 'richText', confine: true}, option.tooltip || {});
      c.setOption(option, true);
    });
    return box;
  }

  window.addEventListener('resize', () => {
    for (const c of Object.values(charts)) {
      c.resize();
    }
  });

  function stackedBar(id, categories, rows, keyOf, valueOf, horizontal, title) {
    const models = [...new Set(rows.map((r) => r.model || 'all'))].sort();
    const series = models.map((m) => ({
      name: m, type: 'bar', stack: 'cost',
      data: categories.map((k) => {
        let sum = 0;
        for (const r of rows) {
          if (keyOf(r) === k && (r.model || 'all') === m) {
            sum += valueOf(r);
          }
        }
        return Math.round(sum * 1e6) / 1e6;
      }),
    }));
    const cat = {type: 'category', data: categories};
    const val = {type: 'value', name: 'USD'};
    return chart(id, {
      title: {text: title, left: 0, textStyle: {fontSize: 13}},
      legend: {type: 'scroll', top: 22},
      grid: {left: horizontal ? 120 : 60, right: 20, top: 60, bottom: 40},
      tooltip: {trigger: 'axis'},
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? Object.assign({inverse: true}, cat) : val,
      series: series,
    });
  }

  // --- pages ----------------------------------------------------------------------------------------------------

  const pages = {};

  pages.overview = async function () {
    const d = await getJson('/api/overview');
    const t = d.today.total;
    const budget = d.today.budget_usd;
    const cards = el('div', {class: 'cards'});
    const todayCard = el('section', {class: 'card today', id: 'today'},
        el('h2', null, 'Today (' + d.today.date + ', ' + d.zone + ')'),
        el('div', {class: 'big', id: 'today-cost'}, usd(t.cost_usd)),
        el('p', null, basis(t.basis), ' estimate ', el('span', {id: 'today-estimate'}, usd(t.estimated_usd)), ' · ',
            el('span', {id: 'today-calls'}, int(t.calls)), ' calls · ', unpriced(t.unpriced_calls, true)));
    if (budget !== null && budget !== undefined) {
      const frac = budget > 0 ? t.cost_usd / budget : 0;
      const bar = el('div', {class: 'meter-fill' + (frac >= 1 ? ' over' : frac >= 0.8 ? ' near' : '')});
      bar.style.width = Math.min(100, frac * 100).toFixed(1) + '%';
      todayCard.appendChild(el('div', {class: 'meter', title: 'daily budget'}, bar));
      todayCard.appendChild(el('p', {id: 'budget'}, Math.round(frac * 100) + ' % of the daily budget of ' + usd(budget)));
    } else {
      todayCard.appendChild(el('p', {class: 'muted'}, 'no daily budget set (taclog.alerts.daily-budget-usd)'));
    }
    if (d.today.by_model.length) {
      todayCard.appendChild(table([['model', (r) => r.key], ['calls', (r) => int(r.calls), 'n'],
        ['cost', (r) => usd(r.cost_usd), 'n']], d.today.by_model));
    }
    cards.appendChild(todayCard);

    const ing = d.ingest;
    cards.appendChild(el('section', {class: 'card', id: 'ingest'}, el('h2', null, 'Ingest health'),
        ing.sources.length ? table([
          ['source', (r) => r.source_kind],
          ['files followed', (r) => int(r.files_active), 'n'],
          ['behind', (r) => int(r.files_behind), 'n'],
          ['lag bytes', (r) => int(r.lag_bytes), 'n'],
          ['lag s', (r) => int(r.lag_seconds), 'n'],
          ['rejected lines', (r) => r.rejected_lines > 0 ? badge(int(r.rejected_lines), 'warn') : '0', 'n'],
          ['last commit', (r) => time(r.last_commit_at)],
        ], ing.sources) : empty('No files ingested yet.'),
        el('p', null, 'Rejected lines: ', el('span', {id: 'rejects-total'}, int(ing.rejects.total)), ' in all, ',
            int(ing.rejects.last_hour), ' in the last hour.'),
        ing.lagging_files.length ? table([['lagging file', (r) => r.path], ['bytes', (r) => int(r.lag_bytes), 'n'],
          ['s', (r) => int(r.lag_seconds), 'n']], ing.lagging_files) : null,
        ing.recent_rejects.length ? table([['rejected', (r) => time(r.rejected_at)], ['file', (r) => r.path],
          ['offset', (r) => int(r.byte_offset), 'n'], ['error', (r) => r.error]], ing.recent_rejects) : null));

    const sessions = section('Coordinator sessions', d.sessions.length ? table([
      ['session', (r) => el('span', {class: 'id'}, r.session_id)],
      ['state', (r) => r.active ? badge('active', 'ok') : badge(r.exit_reason || 'ended', 'muted')],
      ['started', (r) => time(r.started_at)],
      ['ended', (r) => time(r.ended_at)],
      ['host', (r) => r.hostname || ''],
      ['tasks', (r) => int(r.tasks), 'n'],
      ['workers', (r) => int(r.workers), 'n'],
      ['running', (r) => int(r.workers_running), 'n'],
      ['errors', (r) => r.errors > 0 ? badge(int(r.errors), 'error') : '0', 'n'],
    ], d.sessions) : empty('No coordinator sessions.'));
    sessions.id = 'sessions';

    const workers = section('Running workers', d.workers.length ? table([
      ['worker', (r) => workerLink(r.worker_id)],
      ['task', (r) => taskLink(r.task_id)],
      ['status', (r) => badge(r.status)],
      ['model', (r) => r.model || ''],
      ['spawned', (r) => time(r.spawned_at)],
      ['calls', (r) => int(r.calls), 'n'],
      ['input', (r) => int(r.tokens_input), 'n'],
      ['output', (r) => int(r.tokens_output), 'n'],
      ['cache read', (r) => int(r.tokens_cache_read), 'n'],
      ['cost', (r) => usd(r.cost_usd), 'n'],
      ['silent', (r) => r.silent_minutes === null ? '–' : (r.silent_minutes >= 10
        ? badge(num(r.silent_minutes, 1) + ' min', 'warn') : num(r.silent_minutes, 1) + ' min'), 'n'],
    ], d.workers, (r) => ({id: 'running-' + r.worker_id})) : empty('No worker is running.'));
    workers.id = 'workers';

    const problems = section('Last errors and warnings', d.episodes.length ? table([
      ['open episode', (r) => badge(r.kind, 'warn')], ['subject', (r) => r.subject_id],
      ['opened', (r) => time(r.opened_at)], ['members', (r) => int(r.members), 'n'],
    ], d.episodes) : null, d.problems.length ? table([
      ['time', (r) => timeWithSource(r.timestamp, r.time_source)],
      ['severity', (r) => badge(r.severity)],
      ['event', (r) => r.event_type],
      ['task', (r) => r.task_id ? taskLink(r.task_id) : ''],
      ['worker', (r) => r.worker_id ? workerLink(r.worker_id) : ''],
      ['message', (r) => el('span', {class: 'msg'}, r.message)],
    ], d.problems) : empty('No errors or warnings.'));
    problems.id = 'problems';

    clear(main);
    append(main, [el('h1', null, 'Overview'), cards, sessions, workers, problems]);
  };

  pages.cost = async function () {
    const by = params.get('by') || 'day';
    const pageNo = Number(params.get('page') || '1');
    const range = {from: params.get('from'), until: params.get('until')};
    // the table is `query cost --by BY` (100 groups a page); the charts are by day and the top tasks, by model
    const [d, days, tasks] = await Promise.all([
      getJson(path('/api/cost', Object.assign({by: by, page: pageNo, size: 100}, range))),
      getJson(path('/api/cost', Object.assign({by: 'day', breakdown: 'true'}, range))),
      getJson(path('/api/cost', Object.assign({by: 'task', breakdown: 'true', top: 20}, range))),
    ]);
    const dayKeys = [...new Set(days.rows.map((r) => r.key))].sort();
    const taskTotals = {};
    for (const r of tasks.rows) {
      taskTotals[r.key] = (taskTotals[r.key] || 0) + r.cost_usd;
    }
    const topTasks = Object.keys(taskTotals).sort((a, b) => taskTotals[b] - taskTotals[a]);
    const grouping = el('select', {id: 'cost-by', 'aria-label': 'group by', onchange: (ev) => {
      params.set('by', ev.target.value);
      params.delete('page');
      setQuery({by: ev.target.value, page: null});
      refresh();
    }}, ['day', 'week', 'month', 'model', 'task', 'worker', 'session'].map((g) =>
      el('option', {value: g, selected: g === by}, g)));
    const keyCell = (g) => by === 'task' && g.key !== '(unassigned)' ? taskLink(g.key)
      : by === 'worker' ? workerLink(g.key) : g.key;
    const last = Math.max(1, Math.ceil(d.groups / 100));
    const go = (p) => {
      params.set('page', String(p));
      setQuery({page: String(p)});
      refresh();
    };
    const t = d.total;
    clear(main);
    append(main, [
      el('h1', null, 'Cost'),
      el('div', {class: 'toolbar'}, rangePicker(d.from, d.until, (f, u) => {
        params.set('from', f);
        params.set('until', u);
        params.delete('page');
        setQuery({from: f, until: u, page: null});
        refresh();
      }), el('label', null, 'group by ', grouping)),
      el('p', {id: 'cost-total', class: 'summary'}, 'Total ', el('strong', {id: 'cost-total-usd'}, usd(t.cost_usd)), ' ',
          basis(t.basis), ' · estimate ', usd(t.estimated_usd), ' · reported ', usd(t.reported_usd), ' · ',
          int(t.calls), ' calls · ', unpriced(t.unpriced_calls, true), ' · ', d.from, ' to ', d.until, ' (', d.zone, ')'),
      el('div', {class: 'charts'},
          stackedBar('chart-days', dayKeys, days.rows, (r) => r.key, (r) => r.cost_usd, false, 'Cost by day and model'),
          stackedBar('chart-tasks', topTasks, tasks.rows, (r) => r.key, (r) => r.cost_usd, true,
              'Top ' + topTasks.length + ' tasks by cost, by model')),
      el('section', {class: 'card', id: 'cost-table'}, el('h2', null, 'By ' + by),
          d.rows.length ? table([
            [by, keyCell],
            ['calls', (g) => int(g.calls), 'n'],
            ['input', (g) => int(g.tokens_input), 'n'],
            ['output', (g) => int(g.tokens_output), 'n'],
            ['cache read', (g) => int(g.tokens_cache_read), 'n'],
            ['cache write', (g) => int(g.tokens_cache_write), 'n'],
            ['estimate', (g) => usd(g.estimated_usd), 'n'],
            ['cost', (g) => usd(g.cost_usd), 'n'],
            ['basis', (g) => basis(g.basis)],
            ['unpriced', (g) => unpriced(g.unpriced_calls), 'n'],
          ], d.rows, (g) => ({class: g.unpriced_calls > 0 ? 'flag' : null, dataset: {key: g.key}}))
            : empty('No API calls in this range.'),
          d.groups > 100 ? el('div', {class: 'pager'},
              el('button', {type: 'button', disabled: pageNo <= 1, onclick: () => go(pageNo - 1)}, '← previous'),
              el('span', null, 'groups ' + ((pageNo - 1) * 100 + 1) + '–' + Math.min(d.groups, pageNo * 100) + ' of '
                + int(d.groups)),
              el('button', {type: 'button', disabled: pageNo >= last, onclick: () => go(pageNo + 1)}, 'next →'))
            : null),
    ]);
  };

  pages.tasks = async function () {
    const query = {status: params.get('status'), q: params.get('q'), page: params.get('page') || '1'};
    const d = await getJson(path('/api/tasks', query));
    const pageNo = Number(d.page);
    const last = Math.max(1, Math.ceil(d.total / d.size));
    const status = el('select', {id: 'task-status', 'aria-label': 'status', onchange: (ev) => {
      params.set('status', ev.target.value);
      params.delete('page');
      setQuery({status: ev.target.value, page: null});
      refresh();
    }}, el('option', {value: ''}, 'any status'), d.statuses.map((s) =>
      el('option', {value: s.status, selected: s.status === query.status}, s.status + ' (' + s.n + ')')));
    const text = el('input', {type: 'search', id: 'task-q', placeholder: 'task id or title', value: query.q || ''});
    const go = (p) => {
      params.set('page', String(p));
      setQuery({page: String(p)});
      refresh();
    };
    clear(main);
    append(main, [
      el('h1', null, 'Tasks'),
      el('form', {class: 'toolbar', onsubmit: (ev) => {
        ev.preventDefault();
        params.set('q', text.value);
        params.delete('page');
        setQuery({q: text.value, page: null});
        refresh();
      }}, status, text, el('button', {type: 'submit'}, 'Filter')),
      el('p', {class: 'summary'}, int(d.total) + ' tasks · page ' + pageNo + ' of ' + last),
      d.rows.length ? table([
        ['task', (r) => taskLink(r.task_id)],
        ['title', (r) => r.title || ''],
        ['status', (r) => badge(r.status)],
        ['detected', (r) => timeWithSource(r.detected_at, r.time_source)],
        ['workers', (r) => int(r.workers), 'n'],
        ['calls', (r) => int(r.calls), 'n'],
        ['cost', (r) => usd(r.cost_usd), 'n'],
        ['basis', (r) => basis(r.basis)],
        ['PR', (r) => r.pr_number ? outLink(r.pr_url, '#' + r.pr_number) : ''],
      ], d.rows, (r) => ({dataset: {task: r.task_id}})) : empty('No tasks.'),
      el('div', {class: 'pager'},
          el('button', {type: 'button', disabled: pageNo <= 1, onclick: () => go(pageNo - 1)}, '← newer'),
          el('button', {type: 'button', disabled: pageNo >= last, onclick: () => go(pageNo + 1)}, 'older →')),
    ]);
    const tbl = main.querySelector('table');
    if (tbl) {
      tbl.id = 'tasks-table';
    }
  };

  /** The task's timeline as a Gantt-like chart: coordinator events as marks, workers and subagents as bars. */
  function gantt(d) {
    const times = [];
    const add = (t) => {
      const v = Date.parse(t);
      if (!isNaN(v)) {
        times.push(v);
      }
    };
    for (const e of d.timeline) {
      add(e.at);
    }
    for (const w of d.workers) {
      add(w.spawned_at);
      add(w.ended_at);
    }
    for (const t of d.tools) {
      add(t.called_at);
      add(t.answered_at);
    }
    if (!times.length) {
      return empty('No times to draw.');
    }
    const t0 = Math.min(...times);
    const t1 = Math.max(...times, t0 + 1000);
    const span = t1 - t0;
    const x = (t) => ((Date.parse(t) - t0) / span * 100);
    const place = (node, from, to) => {
      const a = Math.max(0, Math.min(100, x(from)));
      const b = to ? Math.max(a + 0.3, Math.min(100, x(to))) : a;
      node.style.left = a.toFixed(3) + '%';
      if (to) {
        node.style.width = Math.max(0.3, b - a).toFixed(3) + '%';
      }
      return node;
    };
    const lanes = [];
    const lane = (label, cls, items, href) => el('div', {class: 'lane ' + (cls || '')},
        el('div', {class: 'lane-label', title: label}, href ? el('a', {href: href}, label) : label),
        el('div', {class: 'lane-track'}, items));
    const marks = d.timeline.filter((e) => e.kind !== 'worker' && e.at).map((e) => place(el('span', {
      class: 'mark kind-' + cls(e.kind) + (e.time_source === 'estimated' ? ' est' : ''),
      title: time(e.at) + (e.time_source ? ' (' + e.time_source + ')' : '') + '\n' + e.kind + ': ' + e.summary,
    }), e.at));
    lanes.push(lane('coordinator', 'coord', marks));
    const now = new Date(t1).toISOString();
    for (const w of d.workers) {
      const end = w.ended_at || now;
      const bar = place(el('span', {class: 'bar status-' + cls(w.status),
        title: w.worker_id + ' ' + w.status + '\n' + time(w.spawned_at) + ' → ' + time(w.ended_at)}), w.spawned_at, end);
      const ticks = d.tools.filter((t) => t.worker_id === w.worker_id && !t.is_sidechain).map((t) =>
        place(el('span', {class: 'tick' + (t.tool_success === 0 || t.tool_success === false ? ' failed' : '')
          + (t.unanswered ? ' unanswered' : ''),
        title: (t.tool_name || '?') + ' ' + time(t.called_at) + (t.tool_latency_ms !== null ? ' (' + ms(t.tool_latency_ms) + ')' : '')}),
        t.called_at, t.answered_at || t.called_at));
      lanes.push(lane(w.worker_id, 'worker', [bar, ...ticks], path('/worker', {id: w.worker_id})));
      for (const s of d.subagents.filter((s) => s.worker_id === w.worker_id)) {
        const label = '↳ ' + (s.subagent_type || 'subagent') + (s.description ? ': ' + s.description : '');
        const sticks = d.tools.filter((t) => t.worker_id === w.worker_id && t.is_sidechain
          && t.called_at >= s.started_at && t.called_at <= s.ended_at).map((t) =>
          place(el('span', {class: 'tick' + (t.tool_success === 0 || t.tool_success === false ? ' failed' : ''),
            title: (t.tool_name || '?') + ' ' + time(t.called_at)}), t.called_at, t.answered_at || t.called_at));
        lanes.push(lane(label, 'sub', [place(el('span', {class: 'bar sub', title: label + '\n' + time(s.started_at)
          + ' → ' + time(s.ended_at) + ', ' + s.blocks + ' blocks'}), s.started_at, s.ended_at), ...sticks]));
      }
    }
    const axis = el('div', {class: 'axis'});
    for (let i = 0; i <= 4; i++) {
      const t = new Date(t0 + span * i / 4).toISOString();
      const lab = el('span', {class: 'axis-label'}, time(t).substring(11));
      lab.style.left = (i * 25) + '%';
      axis.appendChild(lab);
    }
    return el('div', {class: 'gantt', id: 'gantt'}, lanes, lane('', 'axis-lane', [axis]),
        el('p', {class: 'legend muted'}, 'marks: coordinator records (dashed: time estimated in a backfill); '
        + 'bars: workers and their subagents; ticks: tool calls (red: failed)'));
  }

  pages.task = async function () {
    const id = params.get('id');
    const d = await getJson(path('/api/task', {id: id}));
    const t = d.task;
    const tot = d.totals;
    clear(main);
    append(main, [
      el('h1', null, 'Task ', el('span', {class: 'id', id: 'task-id'}, t.task_id), t.title ? ': ' : '', t.title || ''),
      el('p', {class: 'summary'}, badge(t.status), ' detected ', timeWithSource(t.detected_at, t.time_source),
          ' from ', t.source || '?', t.issue_number ? [' · issue ', outLink(t.issue_url, '#' + t.issue_number)] : '',
          t.pr_number ? [' · PR ', outLink(t.pr_url, '#' + t.pr_number)] : '',
          t.failure_reason ? [' · ', el('span', {class: 'problem-inline'}, t.failure_reason)] : ''),
      el('p', {class: 'summary', id: 'task-totals'}, int(tot.workers) + ' worker(s) · ', int(tot.calls), ' API calls (',
          int(tot.sidechain_calls), ' by subagents) · cost ', el('strong', {id: 'task-cost'}, usd(tot.cost_usd)), ' ',
          basis(tot.basis), ' (estimate ', usd(tot.estimated_usd), ') · ', int(tot.tool_calls), ' tool calls (',
          int(tot.tool_failures), ' failed) · ', int(tot.errors), ' errors'),
      section('Timeline', gantt(d), d.tools_truncated ? el('p', {class: 'muted'}, 'only the first tool calls are drawn')
        : null),
      section('Workers and cost', d.workers.length ? table([
        ['worker', (w) => workerLink(w.worker_id)],
        ['status', (w) => badge(w.status)],
        ['spawned', (w) => time(w.spawned_at)],
        ['minutes', (w) => num(w.duration_minutes, 1), 'n'],
        ['calls', (w) => int(w.calls), 'n'],
        ['subagent calls', (w) => int(w.sidechain_calls), 'n'],
        ['input', (w) => int(w.tokens_input), 'n'],
        ['output', (w) => int(w.tokens_output), 'n'],
        ['cache read', (w) => int(w.tokens_cache_read), 'n'],
        ['estimate', (w) => usd(w.estimated_usd), 'n'],
        ['cost', (w) => usd(w.cost_usd), 'n'],
        ['basis', (w) => basis(w.basis)],
        ['tools', (w) => int(w.tool_calls), 'n'],
        ['failed', (w) => w.tool_failures > 0 ? badge(int(w.tool_failures), 'error') : '0', 'n'],
        ['slowest tool', (w) => w.slowest_tool ? w.slowest_tool + ' ' + ms(w.slowest_tool_ms) : ''],
        ['exit', (w) => w.exit_code === null ? '' : String(w.exit_code), 'n'],
        ['reason', (w) => w.failure_reason || ''],
      ], d.workers, (w) => ({dataset: {worker: w.worker_id}})) : empty('No workers.')),
      section('Decisions', d.decisions.length ? table([
        ['time', (r) => time(r.timestamp)], ['function', (r) => r.function_name], ['decision', (r) => r.decision_point],
        ['reason', (r) => r.decision_reason || ''], ['output', (r) => el('code', null, r.decision_output || '')],
      ], d.decisions) : empty('No decisions recorded.')),
      section('Events in order', table([
        ['time', (e) => timeWithSource(e.at, e.time_source || 'recorded')],
        ['what', (e) => badge(e.kind, 'kind-' + e.kind)],
        ['detail', (e) => el('span', {class: 'msg'}, e.summary)],
      ], d.timeline)),
    ]);
    const sections = main.querySelectorAll('section');
    sections[1].id = 'task-workers';
    sections[3].id = 'task-events';
  };

  // --- the conversation viewer ----------------------------------------------------------------------------------

  const viewer = {loaded: false, next: null, last: -1, list: null, calls: null, blocks: 0};

  /** A text block that shows its first characters and offers the whole text on demand. */
  function textBox(row, text, length, classes) {
    const pre = el('pre', {class: 'text ' + (classes || '')}, text || '');
    if (length > (text || '').length) {
      const more = el('button', {type: 'button', class: 'show-all', onclick: async () => {
        more.disabled = true;
        more.textContent = 'loading…';
        try {
          const r = await fetch(path('/api/message/text', {id: row}), {credentials: 'same-origin'});
          if (!r.ok) {
            throw new Error('HTTP ' + r.status);
          }
          pre.textContent = await r.text();
          pre.classList.add('full');
          more.remove();
        } catch (e) {
          more.textContent = 'failed: ' + e.message;
        }
      }}, 'show all (' + int(length) + ' characters)');
      return el('div', {class: 'textbox'}, pre, more);
    }
    return pre;
  }

  function block(r) {
    const type = r.content_type || 'text';
    const attrs = {class: 'block role-' + cls(r.role) + ' type-' + cls(type) + (r.is_sidechain ? ' side' : ''),
      id: 'msg-' + r.message_index, dataset: {index: String(r.message_index), conversation: String(r.conversation_id)}};
    const head = el('div', {class: 'block-head'}, el('span', {class: 'role'}, r.role || ''),
        r.is_sidechain ? badge('subagent', 'side') : null, ' ', el('span', {class: 'time'}, time(r.timestamp)),
        r.model ? el('span', {class: 'muted'}, ' ' + r.model) : null,
        r.call_id ? el('a', {href: '#call-' + r.call_id, class: 'call-link'}, 'API call ' + r.call_id) : null);
    if (type === 'thinking') {
      return el('div', attrs, head, el('details', {class: 'thinking'}, el('summary', null,
          'thinking (' + int(r.length) + ' characters)'), textBox(r.conversation_id, r.text, r.length)));
    }
    if (type === 'image') {
      return el('div', attrs, head, el('div', {class: 'image-placeholder'}, 'image',
          r.image_media_type ? ': ' + r.image_media_type : '', r.image_bytes !== undefined && r.image_bytes !== null
            ? ', ' + int(r.image_bytes) + ' bytes' : '', el('div', {class: 'muted'}, r.text)));
    }
    if (type === 'tool_use') {
      const res = r.result;
      const failed = res && (res.tool_success === 0 || res.tool_success === false);
      const state = !res ? 'no result' : failed ? 'failed' : 'ok';
      attrs.class += failed ? ' error' : '';
      attrs.dataset.waiting = res ? 'false' : 'true';
      if (r.tool_use_id) {
        attrs.dataset.toolUse = r.tool_use_id;
      }
      const summary = el('summary', null, el('span', {class: 'tool-name'}, r.tool_name || 'tool'), ' · ',
          res && res.tool_latency_ms !== null && res.tool_latency_ms !== undefined ? ms(res.tool_latency_ms) + ' · ' : '',
          badge(state, failed ? 'error' : !res ? 'warn' : 'ok'));
      return el('div', attrs, head, el('details', {class: 'tool'}, summary,
          el('div', {class: 'label'}, 'input'), textBox(r.conversation_id, r.text, r.length, 'input'),
          res ? [el('div', {class: 'label'}, 'result', ' ', el('span', {class: 'time'}, time(res.timestamp))),
            textBox(res.conversation_id, res.text, res.length, failed ? 'failed' : '')] : null));
    }
    if (type === 'tool_result') {
      const failed = r.tool_success === 0 || r.tool_success === false;
      attrs.class += failed ? ' error' : '';
      return el('div', attrs, head, el('details', {class: 'tool'}, el('summary', null, 'result of ',
          el('span', {class: 'tool-name'}, r.tool_name || 'a tool call'), ' · ', badge(failed ? 'failed' : 'ok',
              failed ? 'error' : 'ok')), textBox(r.conversation_id, r.text, r.length, failed ? 'failed' : '')));
    }
    return el('div', attrs, head, textBox(r.conversation_id, r.text, r.length));
  }

  async function loadMessages(from, replace) {
    const d = await getJson(path('/api/worker/messages', {id: params.get('id'), from: from, limit: 200}));
    if (replace) {
      clear(viewer.list);
    }
    for (const r of d.rows) {
      const shown = document.getElementById('msg-' + r.message_index);
      if (shown) {
        // a call shown before its result arrived is drawn again with it (its fold kept open or closed)
        if (shown.dataset.waiting === 'true' && r.result) {
          const fresh = block(r);
          const wasOpen = shown.querySelector('details') && shown.querySelector('details').open;
          if (wasOpen) {
            fresh.querySelector('details').open = true;
          }
          shown.replaceWith(fresh);
        }
        continue;
      }
      if (r.content_type === 'tool_result' && r.tool_use_id
          && document.querySelector('[data-tool-use="' + CSS.escape(r.tool_use_id) + '"]')) {
        continue; // the result of a call on the page: shown folded under the call
      }
      viewer.list.appendChild(block(r));
      viewer.last = Math.max(viewer.last, r.message_index);
    }
    viewer.next = d.next_from;
    const more = document.getElementById('load-more');
    more.hidden = d.next_from === null;
    return d;
  }

  function callsTable(rows) {
    return table([
      ['call', (r) => el('span', {class: 'id'}, String(r.call_id))],
      ['time', (r) => timeWithSource(r.timestamp, r.time_source)],
      ['model', (r) => r.model],
      ['input', (r) => int(r.tokens_input), 'n'],
      ['output', (r) => int(r.tokens_output), 'n'],
      ['cache read', (r) => int(r.tokens_cache_read), 'n'],
      ['cache write', (r) => int(r.tokens_cache_write), 'n'],
      ['estimate', (r) => r.estimated_cost_usd === null ? badge('unpriced', 'warn') : usd(r.estimated_cost_usd), 'n'],
      ['duration', (r) => ms(r.duration_ms), 'n'],
      ['tok/s', (r) => num(r.tokens_per_second, 1), 'n'],
      ['', (r) => r.is_sidechain ? badge('subagent', 'side') : ''],
      ['status', (r) => r.success === 0 || r.success === false ? badge(r.error_code || 'failed', 'error') : ''],
      ['message', (r) => r.message_index === null ? '' : el('a', {href: path('/worker', {id: params.get('id'),
        at: r.message_index}) + '#msg-' + r.message_index, class: 'msg-link', onclick: (ev) => {
        const target = document.getElementById('msg-' + r.message_index);
        if (target) {
          ev.preventDefault();
          target.scrollIntoView();
          target.classList.add('target');
        }
      }}, 'message ' + r.message_index)],
    ], rows, (r) => ({id: 'call-' + r.call_id, class: r.success === 0 || r.success === false ? 'error' : null}));
  }

  pages.worker = async function () {
    const id = params.get('id');
    const d = await getJson(path('/api/worker', {id: id}));
    const w = d.worker;
    const tot = d.totals;
    const header = el('div', {id: 'worker-head'},
        el('h1', null, 'Worker ', el('span', {class: 'id', id: 'worker-id'}, w.worker_id)),
        el('p', {class: 'summary'}, badge(w.status), ' task ', taskLink(w.task_id), d.task && d.task.title
          ? ' (' + d.task.title + ')' : '', ' · spawned ', timeWithSource(w.spawned_at, w.time_source),
        w.model ? ' · ' + w.model : '', w.agent ? ' · ' + w.agent : '',
        w.exit_code !== null && w.exit_code !== undefined ? ' · exit ' + w.exit_code : '',
        w.failure_reason ? [' · ', el('span', {class: 'problem-inline'}, w.failure_reason)] : ''),
        el('p', {class: 'summary', id: 'worker-totals'}, int(tot.calls) + ' API calls (' + int(tot.sidechain_calls)
          + ' by subagents) · input ' + int(tot.tokens_input) + ' · output ' + int(tot.tokens_output)
          + ' · cache read ' + int(tot.tokens_cache_read) + ' · cost ', el('strong', {id: 'worker-cost'},
            usd(tot.cost_usd)), ' ', basis(tot.basis), ' · ', int(d.blocks), ' conversation blocks'),
        d.events.length ? section('Errors and warnings', table([
          ['time', (r) => time(r.timestamp)], ['severity', (r) => badge(r.severity)], ['event', (r) => r.event_type],
          ['message', (r) => el('span', {class: 'msg'}, r.message)]], d.events)) : null);
    if (!viewer.loaded) {
      viewer.loaded = true;
      viewer.list = el('div', {class: 'conversation', id: 'conversation'});
      viewer.calls = el('div', {id: 'calls'});
      const more = el('button', {type: 'button', id: 'load-more', hidden: true, onclick: () => {
        if (viewer.next !== null) {
          loadMessages(viewer.next, false);
        }
      }}, 'load more');
      clear(main);
      append(main, [el('div', {id: 'head-slot'}, header), el('section', {class: 'card'}, el('h2', null, 'Conversation'),
          viewer.list, more), el('section', {class: 'card'}, el('h2', null, 'API calls'), viewer.calls)]);
      const at = Number(params.get('at'));
      const start = at > 0 ? Math.max(0, at - 20) : 0;
      await loadMessages(start, true);
      if (start > 0) {
        viewer.list.insertBefore(el('p', {class: 'muted'}, el('a', {href: path('/worker', {id: id})},
            'from the start of the conversation')), viewer.list.firstChild);
      }
      if (location.hash.startsWith('#msg-') || at > 0) {
        const target = document.getElementById(location.hash.substring(1)) || document.getElementById('msg-' + at);
        if (target) {
          target.classList.add('target');
          target.scrollIntoView();
        }
      }
    } else {
      const slot = document.getElementById('head-slot');
      clear(slot);
      slot.appendChild(header);
      if (viewer.next === null) {
        // live: blocks appended since, and again the calls still waiting for their result
        const waiting = Array.from(viewer.list.querySelectorAll('[data-waiting="true"]'))
            .map((e) => Number(e.dataset.index));
        const from = Math.min(viewer.last + 1, ...waiting.filter((i) => viewer.last - i < 400));
        await loadMessages(from, false);
      }
    }
    const calls = await getJson(path('/api/worker/calls', {id: id, size: 1000}));
    clear(viewer.calls);
    append(viewer.calls, [calls.rows.length ? callsTable(calls.rows) : empty('No API calls.'),
      calls.more ? el('p', {class: 'muted'}, 'the first 1,000 calls are listed') : null]);
  };

  // --- search ---------------------------------------------------------------------------------------------------

  pages.search = async function () {
    const q = params.get('q') || '';
    const task = params.get('task') || '';
    const pageNo = Number(params.get('page') || '1');
    const input = el('input', {type: 'search', id: 'search-q', placeholder: 'text in any message, tool input or output',
      value: q, maxlength: 500});
    const taskInput = el('input', {type: 'text', id: 'search-task', placeholder: 'task id (optional)', value: task});
    const form = el('form', {class: 'toolbar', id: 'search-form', onsubmit: (ev) => {
      ev.preventDefault();
      params.set('q', input.value);
      params.set('task', taskInput.value);
      params.delete('page');
      setQuery({q: input.value, task: taskInput.value, page: null});
      refresh();
    }}, input, taskInput, el('button', {type: 'submit', id: 'search-go'}, 'Search'));
    const results = el('div', {id: 'results'});
    clear(main);
    append(main, [el('h1', null, 'Search'), form, results]);
    if (!q.trim()) {
      results.appendChild(empty('Words are matched whole, case and accents ignored; the text is searched as one phrase.'));
      return;
    }
    try {
      const d = await getJson(path('/api/search', {q: q, task: task, page: pageNo}));
      const go = (p) => {
        params.set('page', String(p));
        setQuery({page: String(p)});
        refresh();
      };
      append(results, [
        d.unindexed_rows > 0 ? el('p', {class: 'note'}, int(d.unindexed_rows) + ' newest rows are not in the search '
          + 'index yet (the sidecar adds them within seconds); they were searched directly'
          + (d.unsearched_rows > 0 ? ', except ' + int(d.unsearched_rows) + ' older ones: run taclog search-index'
          : '') + '.') : null,
        el('p', {class: 'summary'}, d.rows.length ? 'hits ' + ((pageNo - 1) * 50 + 1) + '–' + ((pageNo - 1) * 50
          + d.rows.length) + (d.more ? ' (more follow)' : '') : 'No hits.'),
        d.rows.map((h) => el('div', {class: 'hit' + (h.tool_success === false ? ' error' : ''),
          dataset: {conversation: String(h.conversation_id)}},
        el('div', {class: 'hit-head'}, el('a', {href: path('/worker', {id: h.worker_id, at: h.message_index})
          + '#msg-' + h.message_index, class: 'hit-link'}, h.worker_id + ' · message ' + h.message_index), ' ',
        taskLink(h.task_id), ' ', el('span', {class: 'time'}, time(h.timestamp)), ' ', badge(h.role || ''), ' ',
        badge(h.content_type || 'text', 'type'), h.tool_name ? ' ' + h.tool_name : '',
        h.is_sidechain ? badge('subagent', 'side') : null),
        el('div', {class: 'snippet'}, marked(h.snippet)))),
        el('div', {class: 'pager'},
            el('button', {type: 'button', disabled: pageNo <= 1, onclick: () => go(pageNo - 1)}, '← previous'),
            el('button', {type: 'button', disabled: !d.more, onclick: () => go(pageNo + 1)}, 'next →')),
      ]);
    } catch (e) {
      showError(results, e);
    }
  };

  /**
   * A snippet with its matched words highlighted: the server puts them between the control characters STX and
   * ETX, and each piece becomes a text node (never HTML), matched ones inside a mark element.
   */
  const marked = (snippet) => String(snippet || '').split('\u0002').flatMap((part, i) => {
    if (i === 0) {
      return [part];
    }
    const end = part.indexOf('\u0003');
    return end < 0 ? [part] : [el('mark', null, part.slice(0, end)), part.slice(end + 1)];
  });

  // --- performance ----------------------------------------------------------------------------------------------

  pages.performance = async function () {
    const d = await getJson(path('/api/performance', {from: params.get('from'), until: params.get('until')}));
    const bars = (id, title, labels, series, unit) => chart(id, {
      title: {text: title, left: 0, textStyle: {fontSize: 13}},
      legend: {top: 22},
      grid: {left: 60, right: 20, top: 60, bottom: 60},
      tooltip: {trigger: 'axis'},
      xAxis: {type: 'category', data: labels, axisLabel: {rotate: labels.length > 4 ? 20 : 0}},
      yAxis: {type: 'value', name: unit},
      series: series.map((s) => ({name: s[0], type: 'bar', data: s[1]})),
    });
    const models = d.models;
    const tools = d.tools.slice(0, 20);
    clear(main);
    append(main, [
      el('h1', null, 'Performance'),
      el('div', {class: 'toolbar'}, rangePicker(d.from, d.until, (f, u) => {
        params.set('from', f);
        params.set('until', u);
        setQuery({from: f, until: u});
        refresh();
      })),
      el('div', {class: 'charts'},
          bars('chart-latency', 'API latency per model', models.map((m) => m.model),
              [['p50 ms', models.map((m) => m.latency_p50_ms)], ['p95 ms', models.map((m) => m.latency_p95_ms)]], 'ms'),
          bars('chart-tps', 'Output tokens per second per model', models.map((m) => m.model),
              [['median', models.map((m) => m.tokens_per_second_p50)]], 'tok/s'),
          bars('chart-tools', 'Tool latency', tools.map((t) => t.tool),
              [['p50 ms', tools.map((t) => t.latency_p50_ms)], ['p95 ms', tools.map((t) => t.latency_p95_ms)]], 'ms')),
      section('API calls per model', models.length ? table([
        ['model', (m) => m.model], ['calls', (m) => int(m.calls), 'n'], ['timed', (m) => int(m.timed_calls), 'n'],
        ['p50', (m) => ms(m.latency_p50_ms), 'n'], ['p95', (m) => ms(m.latency_p95_ms), 'n'],
        ['first token p50', (m) => ms(m.ttft_p50_ms), 'n'],
        ['tok/s median', (m) => num(m.tokens_per_second_p50, 0), 'n'],
        ['output tokens', (m) => int(m.tokens_output), 'n'],
        ['failed', (m) => m.failed > 0 ? badge(int(m.failed), 'error') : '0', 'n'],
      ], models) : empty('No API calls in this range.'),
      models.length && models.every((m) => !m.timed_calls) ? el('p', {class: 'muted'},
          'No call in this range records its duration (Claude Code transcripts do not; the coordinator\'s api-calls '
          + 'log does).') : null),
      section('Tools', d.tools.length ? table([
        ['tool', (t) => t.tool], ['calls', (t) => int(t.calls), 'n'], ['failures', (t) => int(t.failures), 'n'],
        ['failure rate', (t) => num(t.failure_rate * 100, 1) + ' %', 'n'], ['unanswered', (t) => int(t.unanswered), 'n'],
        ['p50', (t) => ms(t.latency_p50_ms), 'n'], ['p95', (t) => ms(t.latency_p95_ms), 'n'],
        ['max', (t) => ms(t.latency_max_ms), 'n'],
      ], d.tools) : empty('No tool calls in this range.')),
      section('Slowest decisions (average)', d.slowest_decisions.length ? table([
        ['function', (r) => r.function_name], ['decision', (r) => r.decision_point],
        ['count', (r) => int(r.decisions), 'n'], ['avg', (r) => ms(r.avg_ms), 'n'], ['max', (r) => ms(r.max_ms), 'n'],
      ], d.slowest_decisions) : empty('No decision has a measured duration.')),
      section('Worker durations by status', d.worker_durations.length ? table([
        ['status', (r) => badge(r.status)], ['workers', (r) => int(r.workers), 'n'],
        ['p50 min', (r) => num(r.minutes_p50, 2), 'n'], ['p95 min', (r) => num(r.minutes_p95, 2), 'n'],
        ['max min', (r) => num(r.minutes_max, 2), 'n'],
      ], d.worker_durations) : empty('No workers spawned in this range.')),
    ]);
    const s = main.querySelectorAll('section');
    s[0].id = 'perf-models';
    s[1].id = 'perf-tools';
    s[2].id = 'perf-decisions';
    s[3].id = 'perf-workers';
  };

  // --- start ----------------------------------------------------------------------------------------------------

  if (pages[page]) {
    refresher = async () => {
      try {
        await pages[page]();
        main.dataset.loaded = String(Date.now());
      } catch (e) {
        showError(main, e);
        throw e;
      }
    };
    refresh().then(() => connectLive());
  }
})();
