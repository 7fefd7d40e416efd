# Stand-in for mysql:8.0 (docker/standin/build.sh). MySQL 8 is not in Debian: this is Debian's MariaDB 10.11 with
# an entrypoint that takes the mysql image's variables (MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD,
# MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD) and runs /docker-entrypoint-initdb.d/*.sql and *.sh once.
ARG BASE
FROM ${BASE}
COPY mariadb-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN rm -rf /var/lib/mysql/* \
 && mkdir -p /docker-entrypoint-initdb.d /run/mysqld \
 && chown mysql:mysql /var/lib/mysql /run/mysqld \
 && chmod 755 /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/mysql
EXPOSE 3306
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["mariadbd"]
