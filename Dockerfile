# shopwire as a container: `docker build -t shopwire .`, then
#   docker run -d --name shopwire -p 127.0.0.1:8080:8080 \
#     -v shopwire-data:/var/lib/shopwire \
#     -v /etc/shopwire:/etc/shopwire:ro \
#     --env-file /etc/shopwire/shopwire.env shopwire
# The config (/etc/shopwire/shopwire.yaml; deploy/shopwire.container.yaml is a start) must listen
# on 0.0.0.0 inside the container and keep the store on the volume. docs/operations.md.
FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    SHOPWIRE_CONFIG=/etc/shopwire/shopwire.yaml \
    NODE_COMPILE_CACHE=/tmp/shopwire-compile-cache

WORKDIR /opt/shopwire

# Dependencies first (a layer that changes only with the lock file). The base image has Node 24:
# the optional `node` package is left out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY emulators ./emulators
COPY fixtures ./fixtures
COPY deploy/shopwire.container.yaml /etc/shopwire/shopwire.yaml

# Not root: a system user that owns only the store volume.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/shopwire --shell /usr/sbin/nologin shopwire \
 && mkdir -p /var/lib/shopwire \
 && chown shopwire:shopwire /var/lib/shopwire
USER shopwire

VOLUME ["/var/lib/shopwire"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "bin/shopwire.js"]
CMD ["run"]
