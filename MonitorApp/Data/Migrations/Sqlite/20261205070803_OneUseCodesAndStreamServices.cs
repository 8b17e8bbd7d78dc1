using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MonitorApp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OneUseCodesAndStreamServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "last_authenticator_step",
                table: "users",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "service",
                table: "otlp_streams",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_otlp_streams_service",
                table: "otlp_streams",
                column: "service");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_otlp_streams_service",
                table: "otlp_streams");

            migrationBuilder.DropColumn(
                name: "last_authenticator_step",
                table: "users");

            migrationBuilder.DropColumn(
                name: "service",
                table: "otlp_streams");
        }
    }
}
