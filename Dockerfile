# syncspec in a container: `syncspec start` as the main process (it handles SIGTERM itself: the
# page in flight commits, then it exits 0), the database on a volume, secrets from the environment.
#
#   docker build -t syncspec .
#   docker run -d --name syncspec -v syncspec-data:/data -v "$PWD/config.yaml:/config/config.yaml:ro" \
#     -e SALESFORCE_TOKEN syncspec
#   docker exec syncspec syncspec status /config/config.yaml
#
# In the config, put the database on the volume: database: { type: sqlite, path: /data/syncspec.db }.

# better-sqlite3 compiles from source: the toolchain stays in this stage.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY schemas ./schemas
COPY engine ./engine
COPY sandbox ./sandbox
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json README.md ./
COPY bin ./bin
COPY schemas ./schemas
COPY connectors ./connectors
RUN ln -s /app/bin/syncspec.js /usr/local/bin/syncspec && install -d -o node /data
USER node
VOLUME ["/data"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/syncspec.js"]
CMD ["start", "/config/config.yaml", "--log-format", "json"]
