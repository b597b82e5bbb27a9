// The live dashboard: polls api/dashboard every 2 s and updates the leaderboard, the energy
// chart and one chart per stage in place (no page reload). Every value from the API goes into
// the DOM through textContent or Chart.js (canvas), never as HTML: stage ids and artist/track
// names come from cameras and setlists.
'use strict';
(function () {
  const REFRESH_MS = 2000;
  const EMOTION_COLORS = {
    HAPPY: '#f08c00', SURPRISED: '#e64980', CALM: '#1098ad', SAD: '#1c7ed6',
    ANGRY: '#e03131', FEAR: '#495057', CONFUSED: '#9c36b5', DISGUSTED: '#2f9e44'
  };
  const STAGE_COLORS = ['#d6336c', '#1c7ed6', '#2f9e44', '#f59f00', '#7048e8', '#0c8599', '#e8590c', '#5c940d'];
  const ENERGY_COLOR = '#1d2433';

  const params = new URLSearchParams(window.location.search);
  const minutes = params.get('minutes');
  const apiUrl = 'api/dashboard' + (minutes ? '?minutes=' + encodeURIComponent(minutes) : '');

  const stageCharts = new Map();   // stage id -> {card, playing, chart}
  const stageColors = new Map();   // stage id -> color, stable while the page lives
  let energyChart = null;
  let refreshes = 0;

  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 11;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  }

  function one(v) { return v === null || v === undefined ? '–' : v.toFixed(1); }
  function percent(v) { return v === null || v === undefined ? '–' : Math.round(v * 100) + ' %'; }

  function playing(artist, title) {
    if (artist && title) return artist + ' — ' + title;
    return artist || title || '';
  }

  function stageColor(stage) {
    if (!stageColors.has(stage)) stageColors.set(stage, STAGE_COLORS[stageColors.size % STAGE_COLORS.length]);
    return stageColors.get(stage);
  }

  // ticks on whole steps of the clock (10 s ... 1 h), at most 6 per axis
  const TICK_STEPS = [10e3, 20e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3];

  function timeAxis(snapshot) {
    const span = snapshot.to - snapshot.from;
    const step = TICK_STEPS.find((s) => span / s <= 6) || 3600e3;
    const label = step < 60e3 ? clock : (ms) => clock(ms).slice(0, 5);
    const ticks = [];
    for (let v = Math.ceil(snapshot.from / step) * step; v <= snapshot.to; v += step) ticks.push({ value: v });
    return {
      type: 'linear', min: snapshot.from, max: snapshot.to,
      // Chart.js spaces ticks evenly between min and max when both are set; put them on the clock's steps
      afterBuildTicks: (axis) => { axis.ticks = ticks.slice(); },
      ticks: { autoSkip: false, callback: (v) => label(v) }
    };
  }

  const percentAxis = { min: 0, max: 100, ticks: { stepSize: 25 } };

  function lineChart(canvas, legend) {
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        spanGaps: false,
        elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 1.5, cubicInterpolationMode: 'monotone' } },
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { position: legend, labels: { usePointStyle: true, boxWidth: 8, boxHeight: 8, padding: 8 } },
          tooltip: { callbacks: { title: (items) => items.length ? clock(items[0].parsed.x) : '' } }
        },
        scales: { x: { type: 'linear' }, y: percentAxis }
      }
    });
  }

  function renderLeaderboard(board) {
    const tbody = document.querySelector('#leaderboard tbody');
    const empty = document.getElementById('leaderboard-empty');
    const label = document.getElementById('leaderboard-window');
    if (!board) {
      tbody.replaceChildren();
      empty.hidden = false;
      label.textContent = '';
      return;
    }
    empty.hidden = true;
    label.textContent = 'window ' + clock(board.windowStart) + '–' + clock(board.windowEnd);
    const rows = board.entries.map((e) => {
      const tr = el('tr', e.rank === 1 ? 'first' : '');
      tr.dataset.stage = e.stage;
      tr.append(
        el('td', 'rank', e.rank),
        el('td', 'stage', e.stage),
        el('td', 'energy', one(e.energy)),
        el('td', 'coverage', percent(e.coverage)),
        el('td', 'dominant', e.dominantEmotion ? e.dominantEmotion + ' ' + percent(e.dominantShare) : '–'),
        el('td', 'playing', playing(e.artist, e.trackTitle) || '–'));
      return tr;
    });
    tbody.replaceChildren(...rows);
  }

  function renderEnergy(snapshot) {
    if (!energyChart) energyChart = lineChart(document.getElementById('energy-chart'), 'top');
    energyChart.data.datasets = snapshot.stages.map((s) => ({
      label: s.stage,
      data: s.points.map((p) => ({ x: p.windowStart, y: p.energy })),
      borderColor: stageColor(s.stage),
      backgroundColor: stageColor(s.stage),
      borderWidth: 2
    }));
    energyChart.options.scales.x = timeAxis(snapshot);
    energyChart.update('none');
  }

  function stageCard(stage) {
    let entry = stageCharts.get(stage);
    if (entry) return entry;
    const card = el('article', 'stage-card');
    card.dataset.stage = stage;
    const title = el('h3', 'stage-name', stage);
    title.style.color = stageColor(stage);
    const now = el('p', 'playing');
    const box = el('div', 'chart-box');
    const canvas = el('canvas');
    canvas.setAttribute('aria-label', 'emotions over time');
    box.append(canvas);
    card.append(title, now, box);
    entry = { card: card, playing: now, chart: lineChart(canvas, 'bottom') };
    stageCharts.set(stage, entry);
    return entry;
  }

  function renderStages(snapshot) {
    const container = document.getElementById('stages');
    const seen = new Set();
    const cards = snapshot.stages.map((s) => {
      seen.add(s.stage);
      const entry = stageCard(s.stage);
      const np = s.nowPlaying;
      entry.playing.textContent = np && playing(np.artist, np.trackTitle)
        ? '♪ ' + playing(np.artist, np.trackTitle) : 'nothing scheduled';
      const datasets = snapshot.emotions.map((e) => ({
        label: e,
        data: s.points.map((p) => ({ x: p.windowStart, y: p.meanConfidence[e] })),
        borderColor: EMOTION_COLORS[e] || '#868e96',
        backgroundColor: EMOTION_COLORS[e] || '#868e96'
      }));
      datasets.push({
        label: 'energy',
        data: s.points.map((p) => ({ x: p.windowStart, y: p.energy })),
        borderColor: ENERGY_COLOR, backgroundColor: ENERGY_COLOR, borderWidth: 2.5, borderDash: [6, 3], pointStyle: 'line'
      });
      entry.chart.data.datasets = datasets;
      entry.chart.options.scales.x = timeAxis(snapshot);
      entry.chart.update('none');
      return entry.card;
    });
    for (const [stage, entry] of stageCharts) {
      if (!seen.has(stage)) {
        entry.chart.destroy();
        stageCharts.delete(stage);
      }
    }
    container.replaceChildren(...cards);
  }

  function setStatus(text, error) {
    const status = document.getElementById('status');
    status.textContent = text;
    status.classList.toggle('error', !!error);
  }

  function render(snapshot) {
    renderLeaderboard(snapshot.leaderboard);
    renderEnergy(snapshot);
    renderStages(snapshot);
    const span = Math.round((snapshot.to - snapshot.from + snapshot.slideMs) / 60000);
    document.getElementById('range').textContent = 'last ' + span + ' min';
    refreshes += 1;
    document.body.dataset.refreshes = String(refreshes);
    setStatus('updated ' + clock(snapshot.generatedAt) + ' · ' + snapshot.stages.length + ' stages', false);
  }

  async function refresh() {
    try {
      const response = await fetch(apiUrl, { cache: 'no-store', headers: { Accept: 'application/json' } });
      const body = await response.json();
      if (!response.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + response.status);
      render(body);
    } catch (e) {
      setStatus('not updated: ' + e.message, true);
    } finally {
      window.setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();
