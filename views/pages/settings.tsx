/** The Settings page: one card per section, in the order of the section list (src/web/settings/sections.ts). */
import type { Child } from 'hono/jsx';
import { PageHeader } from '../components.js';

export function SettingsPage(props: { sections: Child[] }) {
  return (
    <>
      <PageHeader title="Settings" subtitle="Connections, keys and the webhook. A value set in the environment wins and is shown read-only." />
      <div class="space-y-4" id="settings-sections">
        {props.sections}
      </div>
    </>
  );
}
