/** Plays per month for the last two years: server-drawn SVG bars, episodes and movies stacked. */
import { niceMax, type MonthBucket } from '../../src/history/chart.js';

const W = 720;
const H = 140;
const PAD = { left: 34, right: 8, top: 8, bottom: 4 };
const pct = (f: number) => `${(f * 100).toFixed(2)}%`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function PlaysChart(props: { buckets: MonthBucket[] }) {
  const b = props.buckets;
  const top = niceMax(Math.max(0, ...b.map((m) => m.movies + m.episodes)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, b.length);
  const barW = Math.max(2, step * 0.7);
  const y = (n: number) => (n / top) * plotH;
  const total = b.reduce((s, m) => s + m.movies + m.episodes, 0);
  return (
    <figure id="history-chart" class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <figcaption class="mb-2 flex flex-wrap items-center justify-between gap-2 text-sm">
        <span class="font-medium">Plays per month, last two years</span>
        <span class="flex items-center gap-3 text-xs text-slate-600 dark:text-slate-400">
          <span class="flex items-center gap-1">
            <span class="inline-block h-2.5 w-2.5 rounded-sm bg-sky-500"></span>episodes
          </span>
          <span class="flex items-center gap-1">
            <span class="inline-block h-2.5 w-2.5 rounded-sm bg-amber-500"></span>movies
          </span>
        </span>
      </figcaption>
      {/* Labels are HTML over the drawing, so they keep a readable size when a phone shrinks the SVG. */}
      <div class="relative pb-4">
      <svg viewBox={`0 0 ${W} ${H}`} class="h-auto w-full" role="img" aria-label={`${total} plays in the last ${b.length} months`}>
        <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} class="stroke-slate-300 dark:stroke-slate-700" />
        <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top} y2={PAD.top} class="stroke-slate-100 dark:stroke-slate-800" stroke-dasharray="3 3" />
        {b.map((m, i) => {
          const x = PAD.left + i * step + (step - barW) / 2;
          const he = y(m.episodes);
          const hm = y(m.movies);
          const base = PAD.top + plotH;
          const [yr, mo] = m.month.split('-');
          const label = `${MONTHS[Number(mo) - 1]} ${yr}: ${m.episodes} episodes, ${m.movies} movies`;
          return (
            <g class="chart-month" data-month={m.month} data-movies={m.movies} data-episodes={m.episodes}>
              <title>{label}</title>
              <rect x={x} y={PAD.top} width={barW} height={plotH} fill="transparent" />
              {he > 0 && <rect x={x} y={base - he} width={barW} height={he} class="fill-sky-500" rx="1" />}
              {hm > 0 && <rect x={x} y={base - he - hm} width={barW} height={hm} class="fill-amber-500" rx="1" />}
            </g>
          );
        })}
      </svg>
        <span class="chart-label absolute text-xs text-slate-600 dark:text-slate-400" style="left: 0; top: 0" aria-hidden="true">
          {String(top)}
        </span>
        {b.map((m, i) => {
          const [yr, mo] = m.month.split('-');
          if (!(mo === '01' || (i === 0 && Number(mo) <= 10))) return null;
          const center = (PAD.left + i * step + step / 2) / W;
          return (
            <span class="chart-label absolute bottom-0 -translate-x-1/2 text-xs whitespace-nowrap text-slate-600 dark:text-slate-400" style={`left: ${pct(center)}`} aria-hidden="true">
              {mo === '01' ? yr : `${MONTHS[Number(mo) - 1]} ${yr}`}
            </span>
          );
        })}
      </div>
    </figure>
  );
}
