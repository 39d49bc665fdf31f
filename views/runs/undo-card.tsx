/** "Undo this run" / "Undo this event": what it will do, first, then the button (or why it cannot). */
import { Card, CsrfField, secondaryButtonClass } from '../components.js';

export interface UndoCardView {
  /** Where the form posts (`/runs/7/undo`, `/events/12/undo`). */
  action: string;
  /** "Undo will remove 254 plays from Trakt, …" or why it cannot be undone. */
  sentence: string;
  canUndo: boolean;
  csrf: string;
  /** Undo runs made for it so far. */
  undoneBy: number[];
  title?: string;
}

export function UndoCard(props: { view: UndoCardView }) {
  const v = props.view;
  return (
    <Card title={v.title ?? 'Undo this run'} id="undo-card">
      <p class="text-sm" id="undo-sentence">{v.sentence}</p>
      {v.undoneBy.length > 0 && (
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {'Undone by '}
          {v.undoneBy.map((id, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <a class="underline" href={`/runs/${id}`}>{`run ${id}`}</a>
            </>
          ))}
          .
        </p>
      )}
      {v.canUndo && (
        <form method="post" action={v.action} class="mt-3">
          <CsrfField token={v.csrf} />
          <button class={secondaryButtonClass} type="submit" id="undo-run">Undo it</button>
        </form>
      )}
    </Card>
  );
}
