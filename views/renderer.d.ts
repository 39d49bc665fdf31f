import 'hono';

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string; nav?: string }): Response | Promise<Response>;
  }
}
