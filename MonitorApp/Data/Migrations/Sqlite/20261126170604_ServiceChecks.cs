using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MonitorApp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServiceChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "service_checks",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    service = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    checked_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    result = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    status_since = table.Column<DateTime>(type: "TEXT", nullable: false),
                    consecutive_failures = table.Column<int>(type: "INTEGER", nullable: false),
                    latency_ms = table.Column<int>(type: "INTEGER", nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_checks", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_service_checks_checked_at",
                table: "service_checks",
                column: "checked_at");

            migrationBuilder.CreateIndex(
                name: "ix_service_checks_service_checked_at",
                table: "service_checks",
                columns: new[] { "service", "checked_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "service_checks");
        }
    }
}
