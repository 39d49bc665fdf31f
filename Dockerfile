# syntax=docker/dockerfile:1
# Build stage: compiles better-sqlite3 from source, TypeScript and the CSS.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY views ./views
COPY migrations ./migrations
COPY public ./public
RUN npm run build && npm prune --omit=dev

# Runtime stage: only what runs, as a non-root user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    PORT=8080 \
    HOST=0.0.0.0 \
    OPEN_BROWSER=false \
    PTS_IN_DOCKER=1
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY scripts/ensure-built.mjs ./scripts/ensure-built.mjs
COPY public ./public
RUN mkdir -p /app/data && chown -R node:node /app/data && chmod 700 /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/plex-trakt-sync.js", "serve"]
