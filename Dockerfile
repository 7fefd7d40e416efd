# keycloak-sms-login on Keycloak 26.7, as Keycloak's "Running Keycloak in a container" guide builds an image:
# a builder stage adds the provider jar and runs `kc.sh build` with the build-time options, the final stage
# copies the built server and starts it with --optimized.
#
#   mvn -B -DskipTests package                       # writes target/keycloak-sms-login.jar
#   docker build -t keycloak-sms-login .
#
# Build-time options (fixed in the image): Keycloak's database kind (KC_DB, default postgres), the app's MySQL as the
# additional datasource `login-methods` (db kind mysql, XA), health and metrics on the management port 9000, and
# which provider serves each SPI (--build-arg SMS_SENDER=log for the development sender; a provider chosen at
# runtime makes `start --optimized` refuse to start). Everything else is a runtime option (docs/install.md, "Docker"):
# hostname, the database URLs and credentials, the providers' settings (Redis URL, Aliyun keys, ...).
ARG KEYCLOAK_IMAGE=quay.io/keycloak/keycloak:26.7.0

FROM ${KEYCLOAK_IMAGE} AS builder
ARG KC_DB=postgres
ARG SMS_SENDER=aliyun
ARG SMS_CODE_STORE=redis
ENV KC_DB=${KC_DB} \
    KC_SPI_SMS_SENDER__PROVIDER=${SMS_SENDER} \
    KC_SPI_SMS_CODE_STORE__PROVIDER=${SMS_CODE_STORE} \
    KC_DB_KIND_LOGIN_METHODS=mysql \
    KC_TRANSACTION_XA_ENABLED_LOGIN_METHODS=true \
    KC_HEALTH_ENABLED=true \
    KC_METRICS_ENABLED=true
COPY --chown=1000:0 target/keycloak-sms-login.jar /opt/keycloak/providers/keycloak-sms-login.jar
# the login-methods pool checks connections that rested before it lends them (docs/operations.md, "The login-methods pool")
COPY --chown=1000:0 docker/quarkus.properties /opt/keycloak/conf/quarkus.properties
RUN /opt/keycloak/bin/kc.sh build

FROM ${KEYCLOAK_IMAGE}
COPY --from=builder /opt/keycloak/ /opt/keycloak/
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized"]
