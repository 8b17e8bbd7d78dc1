using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MonitorApp.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SessionStatsAndQualityBins : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "quality_bins",
                columns: table => new
                {
                    width_minutes = table.Column<int>(type: "integer", nullable: false),
                    start_minute = table.Column<long>(type: "bigint", nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    direction = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    bin = table.Column<int>(type: "integer", nullable: false),
                    windows = table.Column<long>(type: "bigint", nullable: false),
                    relayed = table.Column<long>(type: "bigint", nullable: false),
                    loss = table.Column<long>(type: "bigint", nullable: false),
                    delay = table.Column<long>(type: "bigint", nullable: false),
                    jitter = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quality_bins", x => new { x.width_minutes, x.start_minute, x.provider, x.direction, x.bin });
                });

            migrationBuilder.CreateTable(
                name: "session_stats",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    session_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    direction = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    kind = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    window_seconds = table.Column<int>(type: "integer", nullable: false),
                    packet_loss_pct = table.Column<double>(type: "double precision", nullable: false),
                    rtt_ms = table.Column<double>(type: "double precision", nullable: false),
                    jitter_ms = table.Column<double>(type: "double precision", nullable: false),
                    bitrate_kbps = table.Column<double>(type: "double precision", nullable: true),
                    expected_bitrate_kbps = table.Column<double>(type: "double precision", nullable: true),
                    fps = table.Column<double>(type: "double precision", nullable: true),
                    freeze_count = table.Column<int>(type: "integer", nullable: true),
                    relay = table.Column<bool>(type: "boolean", nullable: true),
                    provider_level = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    mos = table.Column<double>(type: "double precision", nullable: false),
                    reason = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_stats", x => x.id);
                    table.ForeignKey(
                        name: "fk_session_stats_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "session_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_session_stats_session_id_at_direction_kind",
                table: "session_stats",
                columns: new[] { "session_id", "at", "direction", "kind" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "quality_bins");

            migrationBuilder.DropTable(
                name: "session_stats");
        }
    }
}
