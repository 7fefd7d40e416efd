# Stand-in for quay.io/keycloak/keycloak:<version> (docker/standin/build.sh): the same server distribution, laid
# out as the official image lays it out, on Debian's OpenJDK 17 instead of UBI's.
ARG BASE
FROM ${BASE}
ARG KEYCLOAK_VERSION
ADD keycloak.tar.gz /opt/
RUN mv /opt/keycloak-${KEYCLOAK_VERSION} /opt/keycloak \
 && echo "keycloak:x:0:root" >> /etc/group \
 && echo "keycloak:x:1000:0:keycloak user:/opt/keycloak:/sbin/nologin" >> /etc/passwd \
 && mkdir -p /opt/keycloak/data \
 && chown -R 1000:0 /opt/keycloak \
 && chmod -R g+rwX /opt/keycloak
# as the official image: KC_RUN_IN_CONTAINER makes kc.sh size the heap from the container's memory and start-dev
# listen on 0.0.0.0 instead of localhost
ENV LANG=C.UTF-8 \
    KC_RUN_IN_CONTAINER=true
USER 1000
EXPOSE 8080 8443 9000
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
