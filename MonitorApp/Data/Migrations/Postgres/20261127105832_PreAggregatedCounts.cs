using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MonitorApp.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PreAggregatedCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "request_rollups_hourly",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    hour = table.Column<long>(type: "bigint", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    errors_5xx = table.Column<long>(type: "bigint", nullable: false),
                    errors_4xx = table.Column<long>(type: "bigint", nullable: false),
                    le10 = table.Column<long>(type: "bigint", nullable: false),
                    le100 = table.Column<long>(type: "bigint", nullable: false),
                    le1000 = table.Column<long>(type: "bigint", nullable: false),
                    le10000 = table.Column<long>(type: "bigint", nullable: false),
                    le25 = table.Column<long>(type: "bigint", nullable: false),
                    le250 = table.Column<long>(type: "bigint", nullable: false),
                    le2500 = table.Column<long>(type: "bigint", nullable: false),
                    le5 = table.Column<long>(type: "bigint", nullable: false),
                    le50 = table.Column<long>(type: "bigint", nullable: false),
                    le500 = table.Column<long>(type: "bigint", nullable: false),
                    le5000 = table.Column<long>(type: "bigint", nullable: false),
                    le75 = table.Column<long>(type: "bigint", nullable: false),
                    le750 = table.Column<long>(type: "bigint", nullable: false),
                    le7500 = table.Column<long>(type: "bigint", nullable: false),
                    le_inf = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_rollups_hourly", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "session_quality_counts",
                columns: table => new
                {
                    hour = table.Column<long>(type: "bigint", nullable: false),
                    quality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sessions = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_quality_counts", x => new { x.hour, x.quality });
                });

            migrationBuilder.CreateTable(
                name: "session_start_counts",
                columns: table => new
                {
                    hour = table.Column<long>(type: "bigint", nullable: false),
                    category_id = table.Column<int>(type: "integer", nullable: false),
                    sessions = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_start_counts", x => new { x.hour, x.category_id });
                    table.ForeignKey(
                        name: "fk_session_start_counts_counselor_categories_category_id",
                        column: x => x.category_id,
                        principalTable: "counselor_categories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_quality_at",
                table: "sessions",
                column: "quality_at");

            migrationBuilder.CreateIndex(
                name: "ix_request_rollups_hourly_hour_service",
                table: "request_rollups_hourly",
                columns: new[] { "hour", "service" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_session_start_counts_category_id",
                table: "session_start_counts",
                column: "category_id");

            // The counts of what is already stored, so the figures stay the same across the upgrade.
            migrationBuilder.Sql("INSERT INTO request_rollups_hourly (service, hour, requests, errors_5xx, errors_4xx, le5, le10, le25, le50, le75, le100, le250, le500, le750, le1000, le2500, le5000, le7500, le10000, le_inf) " +
                "SELECT service, minute / 60, SUM(requests), SUM(errors_5xx), SUM(errors_4xx), SUM(le5), SUM(le10), SUM(le25), SUM(le50), SUM(le75), SUM(le100), SUM(le250), SUM(le500), SUM(le750), SUM(le1000), SUM(le2500), SUM(le5000), SUM(le7500), SUM(le10000), SUM(le_inf) FROM request_rollups GROUP BY service, minute / 60");
            migrationBuilder.Sql("INSERT INTO session_start_counts (hour, category_id, sessions) " +
                "SELECT floor(extract(epoch from started_at) / 3600)::bigint, category_id, COUNT(*) FROM sessions GROUP BY 1, 2");
            migrationBuilder.Sql("INSERT INTO session_quality_counts (hour, quality, sessions) " +
                "SELECT floor(extract(epoch from quality_at) / 3600)::bigint, quality, COUNT(*) FROM sessions WHERE quality IS NOT NULL AND quality_at IS NOT NULL GROUP BY 1, 2");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "request_rollups_hourly");

            migrationBuilder.DropTable(
                name: "session_quality_counts");

            migrationBuilder.DropTable(
                name: "session_start_counts");

            migrationBuilder.DropIndex(
                name: "ix_sessions_quality_at",
                table: "sessions");
        }
    }
}
