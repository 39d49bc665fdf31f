import { EmptyState } from '../components.js';

export function NotFoundPage() {
  return (
    <EmptyState title="Page not found">
      There is nothing at this address. <a class="underline" href="/">Back to the dashboard</a>.
    </EmptyState>
  );
}

export function ServerErrorPage(props: { reference: string }) {
  return (
    <EmptyState title="Something went wrong">
      The error was logged with reference <code>{props.reference}</code>; the Logs page has the details. Nothing you
      entered was lost. <a class="underline" href="/">Back to the dashboard</a>.
    </EmptyState>
  );
}
